using System.Security.Cryptography.X509Certificates;

namespace Federation.Node.Configuration;

/// <summary>
/// The deployment's private CA (<c>Security:CaPath</c>, by default <c>Server:Tls:ClientCaPath</c>),
/// read from its file once, on first use, and asked by everything that judges a certificate: caller
/// authentication, the caller proofs, the revocation list, the TLS handshake and the check of a
/// child's signed periods. Null when the node has no CA configured.
/// </summary>
internal sealed class DeploymentAuthority(string? caPath)
{
    private readonly Lazy<X509Certificate2?> _certificate = new(() => caPath is null ? null : Federation.Shared.CertificateAuthority.LoadPem(caPath));

    /// <summary>The CA's file, or null.</summary>
    public string? Path { get; } = caPath;

    /// <summary>The CA's certificate (read on first use), or null when none is configured.</summary>
    public X509Certificate2? Certificate => _certificate.Value;

    /// <summary>
    /// The CA in <paramref name="path"/>: this one when it is the same file (the usual case, one
    /// private CA per deployment), else read from that file.
    /// </summary>
    public X509Certificate2? Load(string? path) => path is null ? null
        : Path is not null && string.Equals(System.IO.Path.GetFullPath(path), System.IO.Path.GetFullPath(Path), StringComparison.Ordinal) ? Certificate
        : Federation.Shared.CertificateAuthority.LoadPem(path);
}
