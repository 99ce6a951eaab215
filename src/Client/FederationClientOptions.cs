using System.Security.Cryptography.X509Certificates;

namespace Federation.Client;

/// <summary>How a <see cref="FederationClient"/> reaches its node.</summary>
public sealed class FederationClientOptions
{
    /// <summary>The node's address: <c>http://host:port</c> (cleartext HTTP/2) or <c>https://host:port</c> (TLS). Required.</summary>
    public string Address { get; set; } = "";

    /// <summary>Deadline of each attempt of a call. Defaults to 30 seconds.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sent as <c>authorization: Bearer …</c> on every call when set.</summary>
    public string? BearerToken { get; set; }

    /// <summary>A client certificate (with private key) to present over TLS.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Trust only this CA for the node's certificate (instead of the system's roots).</summary>
    public X509Certificate2? ServerCertificateAuthority { get; set; }

    /// <summary>
    /// Wraps the client's HTTP handler (a <see cref="System.Net.Http.DelegatingHandler"/> for a proxy,
    /// a trace, or a test that loses an answer). Defaults to none.
    /// </summary>
    public Func<System.Net.Http.HttpMessageHandler, System.Net.Http.HttpMessageHandler>? WrapHandler { get; set; }

    /// <summary>Attempts after the first for idempotent calls on UNAVAILABLE or DEADLINE_EXCEEDED. Defaults to 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Median first retry delay; grows exponentially per attempt, jittered (Polly's decorrelated jitter). Defaults to 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Called before each retry with the attempt that failed (0 for the first call), the delay
    /// before the next one and the failure — for a progress line or a log. Defaults to none.
    /// </summary>
    public Action<int, TimeSpan, Grpc.Core.RpcException>? OnRetry { get; set; }
}
