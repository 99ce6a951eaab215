using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Testing;

/// <summary>
/// Certificates for TLS tests, made on the fly: a CA, a server certificate for localhost /
/// 127.0.0.1 signed by it, and client certificates. Nothing is read from or written to the
/// machine's certificate stores.
/// </summary>
public static class TestCertificates
{
    public static X509Certificate2 CreateCertificateAuthority(string commonName = "Federation Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        return Reload(certificate);
    }

    public static X509Certificate2 CreateServerCertificate(X509Certificate2 authority) =>
        CreateSigned(authority, "localhost", serverAuth: true, clientAuth: false);

    public static X509Certificate2 CreateClientCertificate(X509Certificate2 authority, string commonName) =>
        CreateSigned(authority, commonName, serverAuth: false, clientAuth: true);

    /// <summary>A node's certificate: it serves (localhost, 127.0.0.1) and calls its children with it.</summary>
    public static X509Certificate2 CreateNodeCertificate(X509Certificate2 authority) =>
        CreateSigned(authority, "localhost", serverAuth: true, clientAuth: true);

    /// <summary>Writes <paramref name="name"/>.pem and, with a key, <paramref name="name"/>.key into <paramref name="directory"/>.</summary>
    public static void WritePem(string directory, string name, X509Certificate2 certificate)
    {
        File.WriteAllText(Path.Combine(directory, name + ".pem"), certificate.ExportCertificatePem());
        if (certificate.GetECDsaPrivateKey() is { } key)
        {
            File.WriteAllText(Path.Combine(directory, name + ".key"), key.ExportPkcs8PrivateKeyPem());
        }
    }

    private static X509Certificate2 CreateSigned(X509Certificate2 authority, string commonName, bool serverAuth, bool clientAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection();
        if (serverAuth)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        }
        if (clientAuth)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(commonName);
        if (serverAuth)
        {
            san.AddIpAddress(IPAddress.Loopback);
        }
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    // Ephemeral keys can't be used by SslStream on every platform; a PKCS#12 round trip fixes that.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
