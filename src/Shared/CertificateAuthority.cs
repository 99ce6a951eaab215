using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Shared;

// Linked as source into the projects that need it (grpc-dotnet's src/Shared pattern), so that
// Node and Client share one implementation without a public API for it.

/// <summary>Checks certificates against one trusted CA (a private PKI), ignoring the system's roots.</summary>
internal static class CertificateAuthority
{
    /// <summary>Whether <paramref name="certificate"/> chains to <paramref name="authority"/>.</summary>
    public static bool Issued(X509Certificate2 authority, X509Certificate certificate)
    {
        if (certificate is X509Certificate2 typed)
        {
            return Build(authority, typed);
        }
        using var converted = new X509Certificate2(certificate);
        return Build(authority, converted);
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to <paramref name="authority"/> as of
    /// <paramref name="at"/> (a signature made then stays checkable after the certificate expires).
    /// </summary>
    public static bool IssuedAt(X509Certificate2 authority, X509Certificate2 certificate, DateTime at) => Build(authority, certificate, at);

    private static bool Build(X509Certificate2 authority, X509Certificate2 certificate, DateTime? at = null)
    {
        using var chain = new X509Chain();
        if (at is { } time)
        {
            chain.ChainPolicy.VerificationTime = time;
            chain.ChainPolicy.VerificationTimeIgnored = false;
        }
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // Revocation is the deployment's CRL, checked by the node beside this (Security/RevocationList).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>
    /// A server-certificate check for a TLS client that trusts only <paramref name="authority"/>:
    /// the name must match and the chain must end at that CA (the system's roots do not count).
    /// </summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 authority) =>
        (_, certificate, _, errors) => certificate is not null
            && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
            && Issued(authority, certificate);

    /// <summary>Loads the first certificate of a PEM file.</summary>
    public static X509Certificate2 LoadPem(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path));

    /// <summary>Loads a certificate with its private key from two PEM files, usable by SslStream.</summary>
    public static X509Certificate2 LoadPemWithKey(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Re-imported: an ephemeral key from PEM cannot be used by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
