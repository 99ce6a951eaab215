using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
internal sealed class HttpContextStreamWriter<T>(HttpContextServerCallContext context, Marshaller<T> marshaller) : IServerStreamWriter<T>
{
    private Task _lastWrite = Task.CompletedTask;

    public WriteOptions? WriteOptions
    {
        get => context.WriteOptions;
        set => context.WriteOptions = value;
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_lastWrite.IsCompleted)
        {
            return Task.FromException(new InvalidOperationException("Can't write the message because the previous write is in progress."));
        }
        var token = cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken;
        return _lastWrite = context.WriteMessageAsync(message, marshaller, WriteOptions, flush: true, token);
    }
}
