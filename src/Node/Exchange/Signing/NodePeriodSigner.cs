using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Shared;
using Federation.Store;

namespace Federation.Node.Exchange.Signing;

/// <summary>
/// Signs this node's periods as they are sealed, with the node's own key — the key of its TLS
/// certificate (<c>Server:Tls</c>), which names the node and its division — over the canonical
/// statement of the period (<see cref="PeriodStatement"/>): node, division, period, sealing time,
/// counts, digest, the previous period's date and digest (a chain) and a merged period's sources.
/// The store calls it inside the seal's transaction, so a period is sealed signed or not at all.
/// </summary>
internal sealed class NodePeriodSigner(NodeIdentity identity, ServerOptions server, Security.SecurityOptions security) : IPeriodSigner
{
    private readonly Lazy<(X509Certificate2 Certificate, ECDsa Key)?> _key = new(() => Load(server));
    private readonly Lazy<(byte[] Certificate, Org.BouncyCastle.Crypto.Parameters.ECPrivateKeyParameters Key)?> _sm2 = new(() => LoadSm2(server, security));

    /// <summary>The algorithm this node signs with: <c>ecdsa-p256-sha256</c>, or <c>sm2-sm3</c> with Security:Crypto national.</summary>
    public string Algorithm => security.National ? NationalCrypto.Sm2 : PeriodSignatures.Ecdsa;

    /// <summary>Whether the node has a certificate and key to sign with (a loopback-only node without TLS has none).</summary>
    public bool Available => security.National ? _sm2.Value is not null : _key.Value is not null;

    public SignedPeriod Sign(Manifest sealedNow, Manifest? previous)
    {
        var statement = new PeriodStatement(identity.Id, identity.DivisionCode, sealedNow.Period.ToString(),
            sealedNow.SealedAt.ToString("O", CultureInfo.InvariantCulture), Algorithm, sealedNow.Digest,
            previous?.Period.ToString(), previous?.Digest, [.. sealedNow.Counts],
            [.. sealedNow.Sources.Select(s => new StatementSource(s.ChildId, s.Period.ToString(), s.Digest))]).Encode();
        if (security.National)
        {
            var (sm2Certificate, sm2Key) = _sm2.Value ?? throw new InvalidOperationException("this node has no SM2 signing certificate (Security:Sm2CertificatePath)");
            return new SignedPeriod(identity.Id, sealedNow.Period, statement, NationalCrypto.SignSm2(sm2Key, statement), sm2Certificate);
        }
        var (certificate, key) = _key.Value ?? throw new InvalidOperationException("this node has no certificate to sign with (Server:Tls)");
        return new SignedPeriod(identity.Id, sealedNow.Period, statement, PeriodSignatures.SignEcdsa(key, statement), certificate.RawData);
    }

    private static (byte[], Org.BouncyCastle.Crypto.Parameters.ECPrivateKeyParameters)? LoadSm2(ServerOptions server, Security.SecurityOptions security)
    {
        if (server.Tls is null || security.Sm2CertificatePath is null || security.Sm2KeyPath is null)
        {
            return null;
        }
        using var certificate = CertificateAuthority.LoadPem(security.Sm2CertificatePath);
        return (certificate.RawData, NationalCrypto.ReadSm2Key(File.ReadAllText(security.Sm2KeyPath)));
    }

    private static (X509Certificate2, ECDsa)? Load(ServerOptions server)
    {
        if (server.Tls is not { CertificatePath.Length: > 0, KeyPath.Length: > 0 } tls)
        {
            return null;
        }
        var certificate = X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);
        var key = certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException($"the node's key ({tls.KeyPath}) is not an ECDSA key; the deployment's PKI issues ECDSA P-256 (Federation.Node pki node)");
        return (certificate, key);
    }
}
