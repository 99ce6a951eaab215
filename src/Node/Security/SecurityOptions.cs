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

    /// <summary>
    /// <c>standard</c> (the default): periods signed with ECDSA P-256 over SHA-256 with the node's
    /// TLS key. <c>national</c> (国密, GM/T 0054): periods signed with SM2/SM3 with the node's SM2
    /// signing certificate (<c>pki node --crypto national</c>). A tree runs one setting: a parent
    /// refuses a child signing otherwise. TLS is .NET's either way (docs/security.md).
    /// </summary>
    public string Crypto { get; set; } = "standard";

    /// <summary>With <c>Crypto = national</c>: the node's SM2 signing certificate (PEM). Defaults to the TLS certificate's path with <c>.sm2.pem</c>.</summary>
    public string? Sm2CertificatePath { get; set; }

    /// <summary>With <c>Crypto = national</c>: its key (PEM, PKCS#8). Defaults to the TLS key's path with <c>.sm2.key</c>.</summary>
    public string? Sm2KeyPath { get; set; }

    /// <summary>Whether <see cref="Crypto"/> is <c>national</c>.</summary>
    public bool National => string.Equals(Crypto, "national", StringComparison.Ordinal);

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
