using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Federation.Shared;

// Linked as source into the node and fedctl. The national algorithms (GM/T 0054 密评) through
// BouncyCastle: .NET has neither SM3 nor SM2.

/// <summary>
/// SM3 (GB/T 32905) and SM2 signatures with SM3 (GB/T 32918.2, the default user id
/// "1234567812345678" of GM/T 0009), and the SM2 signing certificates of the deployment's PKI: a
/// node that signs with SM2 holds, beside its ECDSA TLS certificate, an SM2 certificate the CA
/// issued naming the same node and division (<c>pki node --crypto national</c>).
/// </summary>
internal static class NationalCrypto
{
    /// <summary>The statement algorithm of SM2-with-SM3 signatures.</summary>
    public const string Sm2 = "sm2-sm3";

    /// <summary>SM3 of <paramref name="data"/> (32 bytes).</summary>
    public static byte[] Sm3(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data);
        var hash = new byte[digest.GetDigestSize()];
        digest.DoFinal(hash, 0);
        return hash;
    }

    /// <summary>An SM2 signature (DER) of <paramref name="message"/> with the default user id.</summary>
    public static byte[] SignSm2(ECPrivateKeyParameters key, byte[] message)
    {
        var signer = new SM2Signer(new SM3Digest());
        signer.Init(true, new ParametersWithRandom(key, new SecureRandom()));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    /// <summary>Whether <paramref name="signature"/> (DER) is an SM2 signature of <paramref name="message"/> by <paramref name="key"/>, with <paramref name="userId"/> (default "1234567812345678").</summary>
    public static bool VerifySm2(ECPublicKeyParameters key, byte[] message, byte[] signature, byte[]? userId = null)
    {
        var signer = new SM2Signer(new SM3Digest());
        ICipherParameters parameters = userId is null ? key : new ParametersWithID(key, userId);
        signer.Init(false, parameters);
        signer.BlockUpdate(message, 0, message.Length);
        try
        {
            return signer.VerifySignature(signature);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Org.BouncyCastle.Asn1.Asn1Exception or IOException)
        {
            return false;
        }
    }

    /// <summary>Statement algorithms beyond ECDSA, for <see cref="PeriodSignatures.Verify"/>: SM2 with the key of an SM2 certificate.</summary>
    public static bool VerifyOther(string algorithm, byte[] statement, byte[] signature, X509Certificate2 certificate)
    {
        if (algorithm != Sm2)
        {
            return false;
        }
        var parsed = new X509CertificateParser().ReadCertificate(certificate.RawData);
        return parsed.GetPublicKey() is ECPublicKeyParameters key && IsSm2Curve(key.Parameters) && VerifySm2(key, statement, signature);
    }

    private static bool IsSm2Curve(ECDomainParameters parameters) =>
        parameters.Curve.Equals(GMNamedCurves.GetByOid(GMObjectIdentifiers.sm2p256v1).Curve);

    /// <summary>A new SM2 key pair (curve sm2p256v1).</summary>
    public static AsymmetricCipherKeyPair NewSm2Key()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(new ECDomainParameters(GMNamedCurves.GetByOid(GMObjectIdentifiers.sm2p256v1)), new SecureRandom()));
        return generator.GenerateKeyPair();
    }

    /// <summary>
    /// An SM2 signing certificate for a node, issued by the deployment's (ECDSA) CA with the same
    /// subject alternative names as the node's TLS certificate; key usage digital signature only, no
    /// TLS usage: it signs periods, nothing else.
    /// </summary>
    public static (X509Certificate2 Certificate, string KeyPem) IssueSm2Node(X509Certificate2 authority, string nodeId, string divisionCode, DateTimeOffset notBefore, TimeSpan lifetime)
    {
        using var caKey = authority.GetECDsaPrivateKey() ?? throw new CryptographicException("the CA certificate has no ECDSA private key (pki/ca.key)");
        var caPrivate = PrivateKeyFactory.CreateKey(caKey.ExportPkcs8PrivateKey());
        var caCertificate = new X509CertificateParser().ReadCertificate(authority.RawData);
        var pair = NewSm2Key();
        var generator = new X509V3CertificateGenerator();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        generator.SetSerialNumber(new BigInteger(1, serial));
        generator.SetIssuerDN(caCertificate.SubjectDN);
        generator.SetSubjectDN(new X509Name($"CN={nodeId},OU=node-sm2,O=Federation"));
        var notAfter = notBefore + lifetime;
        if (notAfter > authority.NotAfter)
        {
            notAfter = authority.NotAfter;
        }
        generator.SetNotBefore(notBefore.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        generator.SetPublicKey(pair.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        var identity = new CertificateIdentity(IdentityKind.Node, nodeId, divisionCode);
        generator.AddExtension(X509Extensions.SubjectAlternativeName, false,
            new GeneralNames([.. identity.ToUris().Select(u => new GeneralName(GeneralName.UniformResourceIdentifier, u.ToString()))]));
        if (authority.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault() is { } caKeyId)
        {
            generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(caKeyId.SubjectKeyIdentifierBytes.ToArray()));
        }
        var certificate = generator.Generate(new Org.BouncyCastle.Crypto.Operators.Asn1SignatureFactory("SHA256WITHECDSA", caPrivate));
        using var text = new StringWriter();
        var pem = new PemWriter(text);
        pem.WriteObject(new Org.BouncyCastle.Utilities.IO.Pem.PemObject("PRIVATE KEY",
            Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetEncoded()));
        pem.Writer.Flush();
        return (X509CertificateLoader.LoadCertificate(certificate.GetEncoded()), text.ToString());
    }

    /// <summary>Reads an SM2 private key from PEM (PKCS#8 "PRIVATE KEY").</summary>
    public static ECPrivateKeyParameters ReadSm2Key(string pem)
    {
        using var reader = new StringReader(pem);
        var read = new PemReader(reader).ReadObject();
        return read switch
        {
            ECPrivateKeyParameters key => key,
            AsymmetricCipherKeyPair { Private: ECPrivateKeyParameters key } => key,
            _ => throw new CryptographicException("the SM2 key file holds no EC private key (PEM \"PRIVATE KEY\")"),
        };
    }
}
