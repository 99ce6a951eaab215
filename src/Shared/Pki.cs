using System.Formats.Asn1;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Shared;

// Linked as source into the node (its `pki` command and its authentication) and into the test
// infrastructure, so the certificates tests use are made exactly as operators make them.

/// <summary>What a certificate of the deployment's CA says its holder is.</summary>
internal enum IdentityKind
{
    /// <summary>A node of the tree (<c>urn:federation:node:&lt;id&gt;</c> plus <c>urn:federation:division:&lt;code&gt;</c>).</summary>
    Node,

    /// <summary>A personal account (<c>urn:federation:account:&lt;id&gt;</c>).</summary>
    Account,
}

/// <summary>The identity a certificate names: a node with its division, or an account.</summary>
internal sealed record CertificateIdentity(IdentityKind Kind, string Id, string? DivisionCode)
{
    private const string NodePrefix = "urn:federation:node:";
    private const string AccountPrefix = "urn:federation:account:";
    private const string DivisionPrefix = "urn:federation:division:";

    /// <summary>The subject-alternative-name URIs that carry this identity.</summary>
    public IEnumerable<Uri> ToUris()
    {
        if (Kind == IdentityKind.Node)
        {
            yield return new Uri(NodePrefix + Id);
            yield return new Uri(DivisionPrefix + DivisionCode);
        }
        else
        {
            yield return new Uri(AccountPrefix + Id);
        }
    }

    /// <summary>
    /// Reads the identity from the certificate's subject alternative names. Null with a reason when
    /// the certificate names none, or more than one, or a node without a division.
    /// </summary>
    public static CertificateIdentity? Read(X509Certificate2 certificate, out string? problem)
    {
        var uris = SubjectUris(certificate);
        var nodes = uris.Where(u => u.StartsWith(NodePrefix, StringComparison.Ordinal)).Select(u => u[NodePrefix.Length..]).ToList();
        var accounts = uris.Where(u => u.StartsWith(AccountPrefix, StringComparison.Ordinal)).Select(u => u[AccountPrefix.Length..]).ToList();
        var divisions = uris.Where(u => u.StartsWith(DivisionPrefix, StringComparison.Ordinal)).Select(u => u[DivisionPrefix.Length..]).ToList();
        problem = null;
        if (nodes.Count + accounts.Count != 1)
        {
            problem = "the certificate must name exactly one node or account (subject alternative name URI urn:federation:node:<id> or urn:federation:account:<id>)";
            return null;
        }
        if (nodes.Count == 1)
        {
            if (divisions.Count != 1 || divisions[0].Length != 6 || !divisions[0].All(char.IsAsciiDigit))
            {
                problem = "a node certificate must name its division (urn:federation:division:<6-digit GB/T 2260 code>)";
                return null;
            }
            return new CertificateIdentity(IdentityKind.Node, nodes[0], divisions[0]);
        }
        return new CertificateIdentity(IdentityKind.Account, accounts[0], null);
    }

    private static List<string> SubjectUris(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }
            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
                while (names.HasData)
                {
                    if (names.PeekTag().HasSameClassAndValue(uriTag))
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                return [];
            }
        }
        return uris;
    }
}

/// <summary>
/// The deployment's private CA: creates the CA, node and account certificates and the
/// certificate revocation list (CRL). ECDSA P-256 with SHA-256 throughout.
/// </summary>
internal static class Pki
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>A self-signed CA certificate (with its key) valid for <paramref name="lifetime"/>.</summary>
    public static X509Certificate2 CreateAuthority(string name, DateTimeOffset notBefore, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}, O=Federation"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(notBefore, notBefore + lifetime);
        return Reload(certificate);
    }

    /// <summary>
    /// A node's certificate: it serves on <paramref name="hosts"/> (DNS names or IP addresses) and
    /// calls its children and parent with the same certificate (server and client authentication).
    /// </summary>
    public static X509Certificate2 IssueNode(X509Certificate2 authority, string nodeId, string divisionCode, IReadOnlyList<string> hosts,
        DateTimeOffset notBefore, TimeSpan lifetime) =>
        Issue(authority, new CertificateIdentity(IdentityKind.Node, nodeId, divisionCode), hosts, notBefore, lifetime);

    /// <summary>A personal account's client certificate.</summary>
    public static X509Certificate2 IssueAccount(X509Certificate2 authority, string accountId, DateTimeOffset notBefore, TimeSpan lifetime) =>
        Issue(authority, new CertificateIdentity(IdentityKind.Account, accountId, null), [], notBefore, lifetime);

    private static X509Certificate2 Issue(X509Certificate2 authority, CertificateIdentity identity, IReadOnlyList<string> hosts,
        DateTimeOffset notBefore, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kind = identity.Kind == IdentityKind.Node ? "node" : "account";
        var request = new CertificateRequest(new X500DistinguishedName($"CN={identity.Id}, OU={kind}, O=Federation"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            identity.Kind == IdentityKind.Node ? new OidCollection { ServerAuth, ClientAuth } : new OidCollection { ClientAuth }, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }
        foreach (var uri in identity.ToUris())
        {
            names.AddUri(uri);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        // Positive, 16 random bytes: unique without a counter to keep.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var notAfter = notBefore + lifetime;
        if (notAfter > authority.NotAfter)
        {
            notAfter = authority.NotAfter;
        }
        using var signed = request.Create(authority, notBefore, notAfter, serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>A CRL of <paramref name="authority"/> listing <paramref name="revoked"/> (serial numbers in hex, with when).</summary>
    public static byte[] CreateRevocationList(X509Certificate2 authority, IEnumerable<(string SerialHex, DateTimeOffset RevokedAt)> revoked,
        BigInteger number, DateTimeOffset thisUpdate, TimeSpan validity)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var (serial, at) in revoked)
        {
            // SerialHex drops leading zeros, so an odd number of digits is possible: pad back to bytes.
            builder.AddEntry(Convert.FromHexString(serial.Length % 2 == 1 ? "0" + serial : serial), at, X509RevocationReason.Unspecified);
        }
        return builder.Build(authority, number, thisUpdate + validity, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    /// <summary>The serial numbers (hex, upper case) a CRL lists, after checking that <paramref name="authority"/> signed it.</summary>
    public static HashSet<string> ReadRevocationList(X509Certificate2 authority, byte[] crl, out BigInteger number)
    {
        // Load checks the structure and reads the CRL number; it neither checks the signature nor lists entries.
        CertificateRevocationListBuilder.Load(crl, out number);
        // The builder does not check signatures: verify the CRL's signature with the CA's key.
        var reader = new AsnReader(crl, AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadEncodedValue();
        reader.ReadSequence(); // signatureAlgorithm
        var signature = reader.ReadBitString(out _);
        using var key = authority.GetECDsaPublicKey() ?? throw new CryptographicException("the CA's key is not ECDSA (the deployment CA is ECDSA P-256: Federation.Node pki init)");
        if (!key.VerifyData(tbs.Span, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
        {
            throw new CryptographicException("the CRL is not signed by the deployment's CA");
        }
        var serials = new HashSet<string>(StringComparer.Ordinal);
        // Re-read the entries: the builder keeps them but does not list them.
        var list = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        if (list.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            list.ReadInteger(); // version
        }
        list.ReadSequence(); // signature
        list.ReadEncodedValue(); // issuer
        list.ReadEncodedValue(); // thisUpdate
        if (list.HasData && (list.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || list.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
        {
            list.ReadEncodedValue(); // nextUpdate
        }
        if (list.HasData && list.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = list.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                serials.Add(Convert.ToHexString(entry.ReadIntegerBytes().Span).TrimStart('0'));
                entry.ReadEncodedValue();
            }
        }
        return serials;
    }

    /// <summary>The DER bytes of a CRL file, PEM ("X509 CRL") or DER.</summary>
    public static byte[] ReadCrlFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        return PemEncoding.TryFind(text, out var fields) && text[fields.Label] == "X509 CRL"
            ? Convert.FromBase64String(text[fields.Base64Data])
            : bytes;
    }

    /// <summary>A serial number as the CRL lists it: hex, upper case, no leading zeros.</summary>
    public static string SerialHex(X509Certificate2 certificate) => certificate.SerialNumber.TrimStart('0');

    /// <summary>Writes <paramref name="certificate"/> to <paramref name="pathWithoutExtension"/>.pem and its key, if any, to .key (owner-only).</summary>
    public static void WritePem(string pathWithoutExtension, X509Certificate2 certificate)
    {
        WriteOwnerOnly(pathWithoutExtension + ".pem", certificate.ExportCertificatePem());
        if (certificate.GetECDsaPrivateKey() is { } key)
        {
            WriteOwnerOnly(pathWithoutExtension + ".key", key.ExportPkcs8PrivateKeyPem());
        }
    }

    /// <summary>Writes a file readable and writable by its owner only (0600).</summary>
    public static void WriteOwnerOnly(string path, string text)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
        File.Move(temp, path, overwrite: true);
    }

    // Ephemeral keys can't be used by SslStream on every platform; a PKCS#12 round trip fixes that.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
