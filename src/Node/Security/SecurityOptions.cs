namespace Federation.Node.Security;

/// <summary>Section <c>Security</c> of the node's config; see docs/security.md.</summary>
internal sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// The deployment CA's certificate (PEM): callers' certificates must chain to it. Defaults to
    /// <c>Server:Tls:ClientCaPath</c>.
    /// </summary>
    public string? CaPath { get; set; }

    /// <summary>
    /// The CA's certificate revocation list (PEM or DER), re-read when the file changes (checked at
    /// most once a second) — revoking needs no restart. Unset: nothing is revoked.
    /// </summary>
    public string? CrlPath { get; set; }

    /// <summary>
    /// The key of the audit log's subject hashes (32 random bytes, created owner-only on first start).
    /// Defaults to <c>&lt;store&gt;.audit.key</c>.
    /// </summary>
    public string? AuditKeyPath { get; set; }

    /// <summary>Public authenticity checks one client address may make per minute (default 30).</summary>
    public int PublicCheckPerMinute { get; set; } = 30;

    /// <summary>How many of them it may make at once before the per-minute rate applies (default 10).</summary>
    public int PublicCheckBurst { get; set; } = 10;

    /// <summary>
    /// How far the time in a caller's signature may be from this node's clock, either way, before
    /// the signature is refused (docs/security.md, "Callers proven end to end"): the clocks of the
    /// caller and of every node on the route must agree within it, and a signed request seen on the
    /// route can be replayed within it. Between 1 second and 1 hour; defaults to 5 minutes.
    /// </summary>
    public TimeSpan CallerClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
