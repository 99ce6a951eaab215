namespace Grpc.Core;

/// <summary>A connection (or pool of connections) to one server.</summary>
public abstract class ChannelBase
{
    /// <summary>Creates a channel for the given target.</summary>
    protected ChannelBase(string target) => Target = target;

    /// <summary>The address the channel connects to.</summary>
    public string Target { get; }

    /// <summary>Creates a call invoker that makes calls on this channel.</summary>
    public abstract CallInvoker CreateCallInvoker();

    /// <summary>Releases the channel's connections.</summary>
    public Task ShutdownAsync() => ShutdownAsyncCore();

    /// <summary>Implements <see cref="ShutdownAsync"/>.</summary>
    protected virtual Task ShutdownAsyncCore() => Task.CompletedTask;
}
