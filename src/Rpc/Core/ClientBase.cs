namespace Grpc.Core;

/// <summary>Base of generated clients.</summary>
public abstract class ClientBase
{
    /// <summary>For mocking only.</summary>
    protected ClientBase()
        : this(new UnimplementedCallInvoker())
    {
    }

    /// <summary>Creates a client that calls through <paramref name="channel"/>.</summary>
    protected ClientBase(ChannelBase channel)
        : this(CheckChannel(channel).CreateCallInvoker())
    {
    }

    /// <summary>Creates a client that calls through <paramref name="callInvoker"/>.</summary>
    protected ClientBase(CallInvoker callInvoker)
        : this(new ClientBaseConfiguration(callInvoker, null))
    {
    }

    /// <summary>Creates a client from a configuration.</summary>
    protected ClientBase(ClientBaseConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        CallInvoker = configuration.CreateDecoratedCallInvoker();
    }

    /// <summary>The call invoker every call goes through.</summary>
    protected CallInvoker CallInvoker { get; }

    internal ClientBaseConfiguration Configuration { get; }

    private static ChannelBase CheckChannel(ChannelBase channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel;
    }

    /// <summary>What a client is made of: its call invoker and an optional host override.</summary>
    protected internal class ClientBaseConfiguration
    {
        internal ClientBaseConfiguration(CallInvoker undecoratedCallInvoker, string? host)
        {
            ArgumentNullException.ThrowIfNull(undecoratedCallInvoker);
            UndecoratedCallInvoker = undecoratedCallInvoker;
            Host = host;
        }

        internal CallInvoker UndecoratedCallInvoker { get; }

        internal string? Host { get; }

        internal CallInvoker CreateDecoratedCallInvoker() =>
            Host is null ? UndecoratedCallInvoker : new HostOverrideCallInvoker(UndecoratedCallInvoker, Host);

        internal ClientBaseConfiguration WithHost(string host) => new(UndecoratedCallInvoker, host);
    }

    private sealed class HostOverrideCallInvoker(CallInvoker inner, string host) : CallInvoker
    {
        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options, TRequest request) =>
            inner.BlockingUnaryCall(method, host, options, request);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options, TRequest request) =>
            inner.AsyncUnaryCall(method, host, options, request);

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options, TRequest request) =>
            inner.AsyncServerStreamingCall(method, host, options, request);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options) =>
            inner.AsyncClientStreamingCall(method, host, options);

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? ignored, CallOptions options) =>
            inner.AsyncDuplexStreamingCall(method, host, options);
    }

    private sealed class UnimplementedCallInvoker : CallInvoker
    {
        private static RpcException Fail() => new(new Status(StatusCode.Unimplemented, "This client was created without a channel (for mocking only)."));

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw Fail();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw Fail();
    }
}

/// <summary>Base of generated clients, with <see cref="WithHost"/> returning the concrete type.</summary>
public abstract class ClientBase<T> : ClientBase
    where T : ClientBase<T>
{
    /// <summary>For mocking only.</summary>
    protected ClientBase()
    {
    }

    /// <summary>Creates a client that calls through <paramref name="channel"/>.</summary>
    protected ClientBase(ChannelBase channel)
        : base(channel)
    {
    }

    /// <summary>Creates a client that calls through <paramref name="callInvoker"/>.</summary>
    protected ClientBase(CallInvoker callInvoker)
        : base(callInvoker)
    {
    }

    /// <summary>Creates a client from a configuration.</summary>
    protected ClientBase(ClientBaseConfiguration configuration)
        : base(configuration)
    {
    }

    /// <summary>A copy of this client whose calls use another <c>:authority</c>.</summary>
    public T WithHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return NewInstance(Configuration.WithHost(host));
    }

    /// <summary>Creates a new instance of the concrete client.</summary>
    protected abstract T NewInstance(ClientBaseConfiguration configuration);
}
