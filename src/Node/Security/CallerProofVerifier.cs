using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Shared;
using Microsoft.Extensions.Options;

namespace Federation.Node.Security;

/// <summary>A caller's proof as it travels with a call: the header value and the signer's certificate (DER).</summary>
/// <param name="Value">The <see cref="CallerProof.Header"/> value, passed on unchanged.</param>
/// <param name="Certificate">The signer's certificate, DER, passed on unchanged.</param>
/// <param name="Thumbprint">SHA-256 of <paramref name="Certificate"/>, hex (the audit names the certificate by it).</param>
internal sealed record CallerSignature(string Value, byte[] Certificate, string Thumbprint);

/// <summary>
/// Checks a caller's proof (<see cref="CallerProof"/>): one ECDSA verification per call. At the
/// entry node the signer must be the certificate the caller authenticated with over TLS; at a node
/// a call is forwarded to, the certificate travels in the call and is checked here against the
/// deployment CA (parsed, chain and validity checked once per certificate per 5 minutes), the CRL (every call) and
/// the account named in <c>federation-on-behalf-of</c>. Either way the signature must be over this
/// call's method, this request's bytes and the entry node, dated within
/// <see cref="SecurityOptions.CallerClockSkew"/> of this node's clock. Refusals are
/// UNAUTHENTICATED and say which check failed, never anything of the request.
/// </summary>
internal sealed class CallerProofVerifier(RevocationList revocations, X509Certificate2? authority, IOptions<SecurityOptions> options, TimeProvider time)
{
    private static readonly TimeSpan KnownCacheLifetime = TimeSpan.FromMinutes(5);
    private const int KnownCacheSize = 4096;

    // Account certificates that chained to the CA, by thumbprint, until when that result is reused.
    private readonly ConcurrentDictionary<string, KnownCertificate> _known = new(StringComparer.Ordinal);

    /// <summary>Whether the call carries a proof at all.</summary>
    public static bool IsPresent(ServerCallContext context) => context.RequestHeaders.GetValue(CallerProof.Header) is not null;

    /// <summary>
    /// At the entry node: the proof of a caller who authenticated with <paramref name="presented"/>,
    /// for this call addressed to this node (<paramref name="entryNode"/>).
    /// </summary>
    public CallerSignature VerifyAtEntry(ServerCallContext context, byte[] requestSha256, X509Certificate2 presented, string entryNode)
    {
        var (value, der) = Headers(context);
        if (!der.AsSpan().SequenceEqual(presented.RawData))
        {
            throw Refused("the caller's signature must be made with the certificate the call is authenticated with (the TLS client certificate)");
        }
        using var key = presented.GetECDsaPublicKey()
            ?? throw Refused("the caller's certificate has no ECDSA key (the deployment's certificates are ECDSA P-256)");
        Check(key, value, context.Method, requestSha256, entryNode);
        return new CallerSignature(value, der, Convert.ToHexString(SHA256.HashData(der)));
    }

    /// <summary>
    /// At a node a call was forwarded to: the proof that <paramref name="account"/> asked for this
    /// call at <paramref name="entryNode"/>, as <c>federation-on-behalf-of</c> asserts.
    /// </summary>
    public CallerSignature VerifyForwarded(ServerCallContext context, byte[] requestSha256, string account, string entryNode)
    {
        if (!IsPresent(context))
        {
            throw Refused($"a forwarded call must carry its original caller's signature ({CallerProof.Header}); a node cannot call on behalf of an account that did not sign the request");
        }
        var (value, der) = Headers(context);
        var thumbprint = Convert.ToHexString(SHA256.HashData(der));
        var known = Known(der, thumbprint);
        if (known.Account != account)
        {
            throw Refused($"the caller's certificate does not name account {account}, for whom the call is made");
        }
        if (revocations.IsRevoked(known.Certificate))
        {
            throw Refused("the caller's certificate has been revoked");
        }
        // A key object per call: one ECDsa instance is not documented as safe to share between threads.
        using var key = known.Certificate.GetECDsaPublicKey()!;
        Check(key, value, context.Method, requestSha256, entryNode);
        return new CallerSignature(value, der, thumbprint);
    }

    // A certificate of an account of the deployment CA, parsed and its chain built at most once per
    // 5 minutes (parsing alone costs more than the signature's verification); only certificates
    // that passed are kept, so a stranger cannot fill the cache.
    private KnownCertificate Known(byte[] der, string thumbprint)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue(thumbprint, out var known) && known.Until > now && known.Certificate.NotAfter.ToUniversalTime() > now.UtcDateTime)
        {
            return known;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            throw Refused($"{CallerProof.CertificateHeader} is not a DER certificate");
        }
        if (CertificateIdentity.Read(certificate, out _) is not { Kind: IdentityKind.Account } identity)
        {
            certificate.Dispose();
            throw Refused("the caller's certificate names no account");
        }
        if (authority is null || !CertificateAuthority.Issued(authority, certificate))
        {
            certificate.Dispose();
            throw Refused("the caller's certificate was not accepted: it is not from this deployment's CA, or it is expired or not yet valid");
        }
        using (var key = certificate.GetECDsaPublicKey())
        {
            if (key is null)
            {
                certificate.Dispose();
                throw Refused("the caller's certificate has no ECDSA key (the deployment's certificates are ECDSA P-256)");
            }
        }
        if (_known.Count >= KnownCacheSize)
        {
            // Entries still in use by another call are left to the garbage collector, not disposed.
            _known.Clear();
        }
        known = new KnownCertificate(certificate, identity.Id, now + KnownCacheLifetime);
        _known[thumbprint] = known;
        return known;
    }

    private sealed record KnownCertificate(X509Certificate2 Certificate, string Account, DateTimeOffset Until);

    /// <summary>
    /// Runs each step of a check once (a throwaway key; the CA's own certificate parsed and its
    /// chain built), so that the crypto library's first use and the JIT are paid at start-up.
    /// </summary>
    public void WarmUp()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var digest = SHA256.HashData([]);
        var value = CallerProof.Sign(key, "/federation.v1.Warm/Up", digest, time.GetUtcNow(), "warm-up");
        if (CallerProof.TryParse(value, out var at, out var signature, out _))
        {
            CallerProof.Verify(key, signature, "/federation.v1.Warm/Up", digest, at, "warm-up");
        }
        if (authority is not null)
        {
            using var copy = X509CertificateLoader.LoadCertificate(authority.RawData);
            CertificateIdentity.Read(copy, out _);
            using var publicKey = copy.GetECDsaPublicKey();
            CertificateAuthority.Issued(authority, copy);
            revocations.IsRevoked(copy);
        }
    }

    private static (string Value, byte[] Certificate) Headers(ServerCallContext context)
    {
        var value = context.RequestHeaders.GetValue(CallerProof.Header)!;
        var der = context.RequestHeaders.GetValueBytes(CallerProof.CertificateHeader);
        if (der is null || der.Length == 0)
        {
            throw Refused($"a signed call carries the signer's certificate ({CallerProof.CertificateHeader})");
        }
        return (value, der);
    }

    private void Check(ECDsa key, string value, string method, byte[] requestSha256, string entryNode)
    {
        if (!CallerProof.TryParse(value, out var signedAt, out var signature, out var problem))
        {
            throw Refused(problem!);
        }
        var skew = options.Value.CallerClockSkew;
        var now = time.GetUtcNow();
        if (signedAt < now - skew || signedAt > now + skew)
        {
            throw Refused($"the caller's signature is dated {signedAt:yyyy-MM-ddTHH:mm:ssZ}, more than {skew.TotalMinutes:0.#} min from this node's clock ({now:yyyy-MM-ddTHH:mm:ssZ}): a clock is wrong, or the signed request is being replayed");
        }
        if (!CallerProof.Verify(key, signature, method, requestSha256, signedAt, entryNode))
        {
            throw Refused($"the caller's signature does not verify for this call: it was made for another method, request or entry node than {method} entered at {entryNode}, or it was altered");
        }
    }

    private static RpcException Refused(string why) => new(new Status(StatusCode.Unauthenticated, why));
}
