using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.ClientFactory;
using Polly;
using Polly.Retry;

namespace Federation.Node.Exchange;

/// <summary>
/// The gRPC clients a parent uses to call its children — pulls, routed verification and the
/// statistics check alike. One named client per child through <c>Grpc.Net.ClientFactory</c>, so
/// one channel per child: every service's client of a child calls through that channel's
/// invoker and shares its connection state, its address, the node's client certificate and the
/// deployment CA for an https child, HTTP/2 keep-alive pings, extra connections when one
/// connection's stream limit is reached, and a reconnect back-off short enough that a child that
/// comes back is reachable at once. One channel matters when a child returns: with a channel per
/// service, the pull's channel could reconnect while the verification channel was still waiting
/// out its back-off, and a routed verification was answered from the cache although the child
/// was reachable (issue 22).
/// </summary>
// The factory is resolved on first use: a node without children registers no client, and then
// the factory does not exist.
internal sealed class ChildClients(IServiceProvider services)
{
    // A client is thread-safe and its connections live as long as the node, so each is made once
    // rather than asked of the factory on every routed verification.
    private readonly ConcurrentDictionary<string, object> _clients = new(StringComparer.Ordinal);

    // The official channel backs off to 120 s between reconnection attempts, and fails calls at
    // once while it waits; a child restarted after maintenance must be reachable by the next pull
    // or verification, not minutes later.
    internal static readonly TimeSpan InitialReconnectBackoff = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(1);

    /// <summary>
    /// For the first call of an operator's or the scheduler's pull: a call that fails at once
    /// because the channel is between reconnection attempts is tried again after the longest
    /// back-off, so a child that has just come back is pulled, and one that is down fails within
    /// about three seconds.
    /// </summary>
    internal static readonly ResiliencePipeline ReconnectRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            Delay = MaxReconnectBackoff,
            BackoffType = DelayBackoffType.Constant,
            ShouldHandle = new PredicateBuilder().Handle<RpcException>(ex => ex.StatusCode == StatusCode.Unavailable),
        })
        .Build();

    // Pings keep idle connections open through firewalls and find a dead child before a caller
    // does; 30 s is well above what servers treat as abusive (gRPC core's minimum is 10 s).
    internal static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    internal static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public Protocol.V1.Exchange.ExchangeClient Exchange(ChildOptions child) => Create(child, static invoker => new Protocol.V1.Exchange.ExchangeClient(invoker));

    public Protocol.V1.Verification.VerificationClient Verification(ChildOptions child) => Create(child, static invoker => new Protocol.V1.Verification.VerificationClient(invoker));

    public Protocol.V1.Statistics.StatisticsClient Statistics(ChildOptions child) => Create(child, static invoker => new Protocol.V1.Statistics.StatisticsClient(invoker));

    public Protocol.V1.Registration.RegistrationClient Registration(ChildOptions child) => Create(child, static invoker => new Protocol.V1.Registration.RegistrationClient(invoker));

    /// <summary>The one channel's invoker of a child (the factory makes it on first use and keeps it).</summary>
    internal CallInvoker Invoker(ChildOptions child) =>
        services.GetRequiredService<GrpcClientFactory>().CreateClient<ChildChannel>(child.Id).Invoker;

    private TClient Create<TClient>(ChildOptions child, Func<CallInvoker, TClient> create) where TClient : class =>
        (TClient)_clients.GetOrAdd($"{child.Id}/{typeof(TClient).Name}", _ => create(Invoker(child)));

    /// <summary>Registers the named clients of every configured child.</summary>
    public static void Register(IServiceCollection services, IReadOnlyList<ChildOptions> children, ChildTlsSettings tls, int maxReceiveMessageSize)
    {
        services.AddSingleton<ChildClients>();
        // The PEM files are read once, when the first https child's handler is made.
        var credentials = new Lazy<ChildCredentials>(() => new ChildCredentials(tls.LoadClientCertificate(), tls.LoadAuthority()));
        foreach (var child in children)
        {
            Add(services, child, credentials, maxReceiveMessageSize);
        }
    }

    private static void Add(IServiceCollection services, ChildOptions child, Lazy<ChildCredentials> tls, int maxReceiveMessageSize) =>
        services.AddGrpcClient<ChildChannel>(child.Id, options => options.Address = new Uri(child.Address))
            .ConfigurePrimaryHttpMessageHandler(provider => CreateHandler(child, tls, provider.GetRequiredService<Security.RevocationList>(),
                provider.GetRequiredService<ILogger<ChildClients>>()))
            .ConfigureChannel(channel =>
            {
                channel.InitialReconnectBackoff = InitialReconnectBackoff;
                channel.MaxReconnectBackoff = MaxReconnectBackoff;
                channel.MaxReceiveMessageSize = maxReceiveMessageSize;
            })
            // Connections live as long as the node: a routed verification must not pay for a new
            // TLS handshake because the factory rotated its handler.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

    private static SocketsHttpHandler CreateHandler(ChildOptions child, Lazy<ChildCredentials> tls, Security.RevocationList revocations, ILogger logger)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = ConnectTimeout,
        };
        if (child.Address.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
        {
            if (tls.Value.Certificate is { } certificate)
            {
                handler.SslOptions.ClientCertificates = [certificate];
            }
            if (tls.Value.Authority is { } authority)
            {
                // The deployment's CA, and a certificate naming this very child: a parent talks to
                // the configured child at its address, never to another node that answers there.
                var trusted = Federation.Shared.CertificateAuthority.TrustOnly(authority);
                handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    if (!trusted(sender, certificate, chain, errors) || certificate is not X509Certificate2 typed)
                    {
                        ExchangeLog.ChildCertificateRefused(logger, child.Id, child.Address, "it is not a certificate of this deployment's CA for that address");
                        return false;
                    }
                    if (revocations.IsRevoked(typed))
                    {
                        ExchangeLog.ChildCertificateRefused(logger, child.Id, child.Address, "its certificate has been revoked; refused");
                        return false;
                    }
                    var named = Federation.Shared.CertificateIdentity.Read(typed, out var problem);
                    if (named is { Kind: Federation.Shared.IdentityKind.Node } && named.Id == child.Id)
                    {
                        return true;
                    }
                    ExchangeLog.ChildCertificateRefused(logger, child.Id, child.Address,
                        named is null ? problem! : $"presented a certificate naming {named.Kind.ToString().ToLowerInvariant()} {named.Id}, not {child.Id}; refused");
                    return false;
                };
            }
        }
        return handler;
    }
}

/// <summary>
/// The factory's client type for a child: it only hands over the invoker of the child's one
/// channel, from which <see cref="ChildClients"/> makes each service's client.
/// </summary>
internal sealed class ChildChannel(CallInvoker invoker)
{
    public CallInvoker Invoker { get; } = invoker;
}

/// <summary>
/// How a parent authenticates to its https children and which CA their certificates must chain
/// to (section <c>Exchange:Tls</c>; by default the node's own server certificate and the CA it
/// accepts client certificates from — one private CA per deployment).
/// </summary>
internal sealed record ChildTlsSettings(string? CaPath, string? CertificatePath, string? KeyPath)
{
    public X509Certificate2? LoadAuthority() => CaPath is null ? null : Federation.Shared.CertificateAuthority.LoadPem(CaPath);

    public X509Certificate2? LoadClientCertificate() =>
        CertificatePath is null || KeyPath is null ? null : Federation.Shared.CertificateAuthority.LoadPemWithKey(CertificatePath, KeyPath);
}

/// <summary>The loaded client certificate and CA of <see cref="ChildTlsSettings"/>.</summary>
internal sealed record ChildCredentials(X509Certificate2? Certificate, X509Certificate2? Authority);
