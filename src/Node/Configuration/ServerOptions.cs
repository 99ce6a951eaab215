namespace Federation.Node.Configuration;

/// <summary>How the node listens: section <c>Server</c> of its JSON config.</summary>
internal sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>
    /// The address to listen on. <c>http://host:port</c> serves cleartext HTTP/2 (h2c, for
    /// loopback and trusted networks); <c>https://host:port</c> serves TLS and needs <see cref="Tls"/>.
    /// Port 0 picks a free port. Defaults to <c>http://127.0.0.1:7000</c>.
    /// </summary>
    public string Listen { get; set; } = "http://127.0.0.1:7000";

    /// <summary>TLS settings; required for an https address.</summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>Largest accepted message in bytes. Defaults to 4,194,304 (4 MiB).</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Send handler exception text to callers. Defaults to <c>false</c>; never enable it in production.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// Where Prometheus scrapes the node's metrics: <c>http://host:port</c>, served as HTTP/1.1
    /// at <c>/metrics</c> on its own port, apart from the gRPC endpoint. Unset: no metrics endpoint.
    /// The example configs set it; bind it to loopback or a monitoring network only.
    /// </summary>
    public string? MetricsListen { get; set; }

    /// <summary>
    /// How long the node waits, once told to stop (SIGTERM), for calls still running to finish
    /// before it cuts them off (default 00:00:04). Streams are reset a second after the stop
    /// begins (SecurityInterceptor), so they never hold the node up.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(4);
}

/// <summary>TLS for the node's endpoint.</summary>
internal sealed class TlsOptions
{
    /// <summary>PEM file of the node's certificate (chain).</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>PEM file of the certificate's private key.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>
    /// <c>allow</c> (default), <c>require</c> or <c>none</c>: whether the TLS handshake asks for a
    /// client certificate. With <c>allow</c>, anonymous callers reach the public check and health,
    /// and a certificate is judged by authentication (a clear UNAUTHENTICATED when refused); with
    /// <c>require</c>, a caller without a certificate of the CA fails the handshake itself.
    /// </summary>
    public string ClientCertificates { get; set; } = "allow";

    /// <summary>PEM file of the CA that client certificates must chain to; required unless ClientCertificates is none.</summary>
    public string? ClientCaPath { get; set; }
}
