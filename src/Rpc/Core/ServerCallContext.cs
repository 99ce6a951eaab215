namespace Grpc.Core;

/// <summary>The server-side context of one call, handed to every handler.</summary>
public abstract class ServerCallContext
{
    /// <summary>Creates a context.</summary>
    protected ServerCallContext()
    {
    }

    /// <summary>The full method name, <c>/service/method</c>.</summary>
    public string Method => MethodCore;

    /// <summary>The <c>:authority</c> the client called.</summary>
    public string Host => HostCore;

    /// <summary>The peer's address in gRPC form: <c>ipv4:127.0.0.1:5000</c> or <c>ipv6:[::1]:5000</c>.</summary>
    public string Peer => PeerCore;

    /// <summary>The call's deadline (UTC), from <c>grpc-timeout</c>; <see cref="DateTime.MaxValue"/> if none.</summary>
    public DateTime Deadline => DeadlineCore;

    /// <summary>The request headers (custom metadata only; protocol headers are filtered out).</summary>
    public Metadata RequestHeaders => RequestHeadersCore;

    /// <summary>Cancelled when the client cancels, the connection drops or the deadline passes.</summary>
    public CancellationToken CancellationToken => CancellationTokenCore;

    /// <summary>Trailers to send with the status. Add to it before the handler returns.</summary>
    public Metadata ResponseTrailers => ResponseTrailersCore;

    /// <summary>The status to end the call with when the handler returns normally.</summary>
    public Status Status
    {
        get => StatusCore;
        set => StatusCore = value;
    }

    /// <summary>Options for response writes (e.g. <see cref="WriteFlags.NoCompress"/>).</summary>
    public WriteOptions? WriteOptions
    {
        get => WriteOptionsCore;
        set => WriteOptionsCore = value;
    }

    /// <summary>What the transport proved about the peer.</summary>
    public AuthContext AuthContext => AuthContextCore;

    /// <summary>State that interceptors and handlers can share for the duration of the call.</summary>
    public IDictionary<object, object> UserState => UserStateCore;

    /// <summary>Sends the response headers now. May be called once, before the first message.</summary>
    public Task WriteResponseHeadersAsync(Metadata responseHeaders) => WriteResponseHeadersAsyncCore(responseHeaders);

    /// <summary>Implements <see cref="Method"/>.</summary>
    protected abstract string MethodCore { get; }

    /// <summary>Implements <see cref="Host"/>.</summary>
    protected abstract string HostCore { get; }

    /// <summary>Implements <see cref="Peer"/>.</summary>
    protected abstract string PeerCore { get; }

    /// <summary>Implements <see cref="Deadline"/>.</summary>
    protected abstract DateTime DeadlineCore { get; }

    /// <summary>Implements <see cref="RequestHeaders"/>.</summary>
    protected abstract Metadata RequestHeadersCore { get; }

    /// <summary>Implements <see cref="CancellationToken"/>.</summary>
    protected abstract CancellationToken CancellationTokenCore { get; }

    /// <summary>Implements <see cref="ResponseTrailers"/>.</summary>
    protected abstract Metadata ResponseTrailersCore { get; }

    /// <summary>Implements <see cref="Status"/>.</summary>
    protected abstract Status StatusCore { get; set; }

    /// <summary>Implements <see cref="WriteOptions"/>.</summary>
    protected abstract WriteOptions? WriteOptionsCore { get; set; }

    /// <summary>Implements <see cref="AuthContext"/>.</summary>
    protected abstract AuthContext AuthContextCore { get; }

    /// <summary>Implements <see cref="UserState"/>.</summary>
    protected virtual IDictionary<object, object> UserStateCore => _userState ??= new Dictionary<object, object>();

    /// <summary>Implements <see cref="WriteResponseHeadersAsync"/>.</summary>
    protected abstract Task WriteResponseHeadersAsyncCore(Metadata responseHeaders);

    private Dictionary<object, object>? _userState;
}
