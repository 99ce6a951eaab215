using System.Text;
using Federation.Shared;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Xunit;

namespace Federation.Node.Tests.Exchange;

/// <summary>SM3 and SM2 as the node uses them, against the standards' published test vectors.</summary>
public sealed class NationalCryptoTests
{
    [Theory]
    // GB/T 32905-2016, appendix A, example 1 and example 2.
    [InlineData("abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")]
    [InlineData("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")]
    public void Sm3_PublishedVectors(string message, string expected)
    {
        Assert.Equal(expected, Convert.ToHexStringLower(NationalCrypto.Sm3(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void Sm2_VerifiesTheStandardsExampleSignature()
    {
        // GB/T 32918.2-2016 appendix A (and GM/T 0003.5 / the SM2 draft RFC): the example on the
        // recommended curve sm2p256v1 — message "message digest", user id "1234567812345678".
        var curve = GMNamedCurves.GetByOid(GMObjectIdentifiers.sm2p256v1);
        var domain = new ECDomainParameters(curve);
        var publicPoint = curve.Curve.CreatePoint(
            new BigInteger("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020", 16),
            new BigInteger("CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13", 16));
        var key = new ECPublicKeyParameters(publicPoint, domain);
        var r = new BigInteger("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3", 16);
        var s = new BigInteger("B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA", 16);
        var signature = new DerSequence(new DerInteger(r), new DerInteger(s)).GetEncoded();
        var message = Encoding.ASCII.GetBytes("message digest");

        Assert.True(NationalCrypto.VerifySm2(key, message, signature, Encoding.ASCII.GetBytes("1234567812345678")));
        Assert.False(NationalCrypto.VerifySm2(key, Encoding.ASCII.GetBytes("message digesT"), signature, Encoding.ASCII.GetBytes("1234567812345678")));
        Assert.False(NationalCrypto.VerifySm2(key, message, signature, Encoding.ASCII.GetBytes("1234567812345679")));
    }

    [Fact]
    public void Sm2NodeCertificate_FromTheDeploymentCa_SignsAPeriodThatVerifiesWithTheCaAlone()
    {
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var authority = Pki.CreateAuthority("Test CA", start, TimeSpan.FromDays(30));
        var (certificate, keyPem) = NationalCrypto.IssueSm2Node(authority, "city-440100", "440100", start, TimeSpan.FromDays(10));
        var statement = new PeriodStatement("city-440100", "440100", "2026-10-31", start.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            NationalCrypto.Sm2, "aa11", null, null, [new("persons", 1)], []).Encode();

        var signature = NationalCrypto.SignSm2(NationalCrypto.ReadSm2Key(keyPem), statement);

        Assert.True(PeriodSignatures.Verify(statement, signature, certificate.RawData, authority, null, NationalCrypto.VerifyOther).Good);
        var altered = (byte[])statement.Clone();
        altered[^2] ^= 1;
        Assert.Equal("the signature does not match the statement (altered, or signed with another key)",
            PeriodSignatures.Verify(altered, signature, certificate.RawData, authority, null, NationalCrypto.VerifyOther).Problem);
        // The same names from another CA do not count.
        var stranger = Pki.CreateAuthority("Other CA", start, TimeSpan.FromDays(30));
        Assert.False(PeriodSignatures.Verify(statement, signature, certificate.RawData, stranger, null, NationalCrypto.VerifyOther).Good);
    }

    [Fact]
    public void Sm2_SignThenVerify_WithTheDefaultUserId()
    {
        var pair = NationalCrypto.NewSm2Key();
        var message = Encoding.ASCII.GetBytes("federation-signed-period/1\n");

        var signature = NationalCrypto.SignSm2((ECPrivateKeyParameters)pair.Private, message);

        // The default user id is "1234567812345678" (GM/T 0009): verifying with it named agrees.
        Assert.True(NationalCrypto.VerifySm2((ECPublicKeyParameters)pair.Public, message, signature));
        Assert.True(NationalCrypto.VerifySm2((ECPublicKeyParameters)pair.Public, message, signature, Encoding.ASCII.GetBytes("1234567812345678")));
        Assert.False(NationalCrypto.VerifySm2((ECPublicKeyParameters)NationalCrypto.NewSm2Key().Public, message, signature));
    }
}
