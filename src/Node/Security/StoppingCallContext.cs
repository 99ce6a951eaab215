using Grpc.Core;

namespace Federation.Node.Security;

/// <summary>
/// A streaming call's context whose cancellation also fires when the node starts stopping, so a
/// long-lived stream (a health watch, a parent's registration links, a snapshot) ends at once and
/// the server drains in moments instead of waiting out the host's shutdown timeout. Everything
/// else is the call's own.
/// </summary>
internal sealed class StoppingCallContext(ServerCallContext inner, CancellationToken cancellationToken) : ServerCallContext
{
    protected override string MethodCore => inner.Method;
    protected override string HostCore => inner.Host;
    protected override string PeerCore => inner.Peer;
    protected override DateTime DeadlineCore => inner.Deadline;
    protected override Metadata RequestHeadersCore => inner.RequestHeaders;
    protected override CancellationToken CancellationTokenCore => cancellationToken;
    protected override Metadata ResponseTrailersCore => inner.ResponseTrailers;

    protected override Status StatusCore
    {
        get => inner.Status;
        set => inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    protected override AuthContext AuthContextCore => inner.AuthContext;

    protected override IDictionary<object, object> UserStateCore => inner.UserState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => inner.WriteResponseHeadersAsync(responseHeaders);
}
