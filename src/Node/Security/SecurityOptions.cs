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

    /// <summary>
    /// The public check answers no sooner than this after it arrives, at the node the caller
    /// asked (default 00:00:00.025, 25 ms): on top of the same work on every path, a floor that
    /// hides what little time a held number's records still cost. Zero: no floor.
    /// </summary>
    public TimeSpan PublicCheckMinimumTime { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Failed sign-ins (refused token or certificate) an address may make before each costs a delay (default 5).</summary>
    public int FailedSignInsFree { get; set; } = 5;

    /// <summary>The delay of the first failed sign-in past the free ones, doubling with each (default 00:00:00.250).</summary>
    public TimeSpan FailedSignInDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest such delay (default 00:00:04).</summary>
    public TimeSpan FailedSignInMaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Failed sign-ins from an address that lock its token sign-ins out for
    /// <see cref="FailedSignInLockout"/> (default 20; 0: never locked out).
    /// </summary>
    public int FailedSignInsBeforeLockout { get; set; } = 20;

    /// <summary>How long a lockout lasts (default 00:02:00).</summary>
    public TimeSpan FailedSignInLockout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A failed sign-in is forgotten this long after an address's last one (default 00:15:00).</summary>
    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Repeated refusals of one kind (principal, method, outcome) within this window are written
    /// to the audit log as the first one plus one counted entry (default 00:01:00; zero: every
    /// refusal is an entry of its own).
    /// </summary>
    public TimeSpan AuditRefusalWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Open anonymous streams (health watches, reflection) one client address may hold at once (default 8).</summary>
    public int AnonymousStreamsPerAddress { get; set; } = 8;
}
