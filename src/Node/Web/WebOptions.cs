namespace Federation.Node.Web;

/// <summary>
/// The node's web pages (docs/web.md): section <c>Web</c> of its JSON config. Off unless
/// <see cref="Listen"/> is set; the gRPC endpoint (<c>Server:Listen</c>) is unchanged either way.
/// </summary>
internal sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>
    /// Where the pages are served: <c>https://host:port</c>, a port of its own (0 picks a free one).
    /// HTTPS only: the session cookie is <c>Secure</c> and <c>__Host-</c> prefixed, and HSTS is sent.
    /// Unset (the default): no web pages.
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>
    /// The web address's certificate and key (PEM). Unset: the node's own (<c>Server:Tls</c>). A
    /// public site (the national check) would use a certificate browsers trust; officials' browsers
    /// trust the deployment CA.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <inheritdoc cref="CertificatePath"/>
    public string? KeyPath { get; set; }

    /// <summary>A signed-in session ends this long after sign-in, however active (default 08:00:00, a working day).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A session unused this long ends (default 00:30:00); each page used restarts it.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a page waits for the answer of the call it makes (default 00:00:10) — the deadline a
    /// gRPC caller would set; a verification routed down the tree keeps part of it for its cached answer.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Listen);

    /// <summary>What is wrong with the settings, each naming the setting and the rule.</summary>
    public IEnumerable<string> Problems(string? serverListen, bool serverHasTls)
    {
        if (!Enabled)
        {
            yield break;
        }
        if (!Uri.TryCreate(Listen, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.AbsolutePath != "/")
        {
            yield return $"Web:Listen is '{Listen}'; it must be https://host:port (the pages are served over HTTPS only), e.g. https://0.0.0.0:8443.";
        }
        else if (Uri.TryCreate(serverListen, UriKind.Absolute, out var server) && server.Port == uri.Port && uri.Port != 0)
        {
            yield return $"Web:Listen is '{Listen}', on the same port as Server:Listen; the pages need a port of their own.";
        }
        if (string.IsNullOrWhiteSpace(CertificatePath) != string.IsNullOrWhiteSpace(KeyPath))
        {
            yield return "Web:CertificatePath and Web:KeyPath go together: set both, or neither to use Server:Tls's.";
        }
        else if (string.IsNullOrWhiteSpace(CertificatePath) && !serverHasTls)
        {
            yield return "Web:Listen is set but there is no certificate for it: set Web:CertificatePath and Web:KeyPath, or Server:Tls.";
        }
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(1))
        {
            yield return $"Web:SessionLifetime is {SessionLifetime}; it must be between 00:01:00 and 1.00:00:00.";
        }
        if (SessionIdleTimeout < TimeSpan.FromMinutes(1) || SessionIdleTimeout > SessionLifetime)
        {
            yield return $"Web:SessionIdleTimeout is {SessionIdleTimeout}; it must be at least 00:01:00 and at most Web:SessionLifetime.";
        }
        if (CallTimeout < TimeSpan.FromSeconds(1) || CallTimeout > TimeSpan.FromMinutes(2))
        {
            yield return $"Web:CallTimeout is {CallTimeout}; it must be between 00:00:01 and 00:02:00.";
        }
    }
}
