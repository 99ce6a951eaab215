using System.Security.Cryptography.X509Certificates;
using System.Text;
using Federation.Shared;
using Xunit;

namespace Federation.Node.Tests.Exchange;

/// <summary>
/// The signed statement of a period: one canonical byte form (docs/snapshot-format.md), signed
/// with the node certificate's key, checked with the CA alone — and a bundle of them checked
/// offline, chains and sources included.
/// </summary>
public sealed class SignedPeriodTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddDays(-1);
    private readonly X509Certificate2 _authority = Pki.CreateAuthority("Test CA", Start, TimeSpan.FromDays(30));

    private static PeriodStatement Statement(string node = "city-440100", string period = "2026-10-31", string digest = "aa11", string? previousPeriod = "2026-09-30",
        string? previousDigest = "bb22", IReadOnlyList<StatementSource>? sources = null, string division = "440100") =>
        new(node, division, period, Start.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture), PeriodSignatures.Ecdsa, digest,
            previousPeriod, previousDigest, [new("persons", 3), new("certificates", 2)], sources ?? []);

    private (byte[] Statement, byte[] Signature, byte[] Certificate) Sign(PeriodStatement statement, X509Certificate2? signer = null)
    {
        signer ??= Pki.IssueNode(_authority, statement.NodeId, statement.DivisionCode, [], Start, TimeSpan.FromDays(10));
        var bytes = statement.Encode();
        using var key = signer.GetECDsaPrivateKey()!;
        return (bytes, PeriodSignatures.SignEcdsa(key, bytes), signer.RawData);
    }

    [Fact]
    public void Encode_IsTheDocumentedCanonicalForm_AndParsesBack()
    {
        var statement = Statement(sources: [new("city-440300", "2026-10-31", "cc33"), new("city-440100", "2026-10-31", "dd44")]);

        var text = Encoding.ASCII.GetString(statement.Encode());

        Assert.Equal($"""
            federation-signed-period/1
            node city-440100
            division 440100
            period 2026-10-31
            sealed-at {statement.SealedAt}
            algorithm ecdsa-p256-sha256
            digest aa11
            previous 2026-09-30 bb22
            count certificates 2
            count persons 3
            source city-440100 2026-10-31 dd44
            source city-440300 2026-10-31 cc33

            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
        var parsed = PeriodStatement.Parse(statement.Encode());
        Assert.Equal(statement.Encode(), parsed.Encode());
        Assert.Equal(("aa11", "2026-09-30", 5L), (parsed.Digest, parsed.PreviousPeriod, parsed.TotalRecords));
    }

    [Theory]
    [InlineData("count persons 3\ncount certificates 2\n", "count certificates 2\ncount persons 3\n")] // counts out of order
    [InlineData("count persons 3\n", "count persons 03\n")]                                         // another spelling of 3
    [InlineData("digest aa11\n", "digest  aa11\n")]                                                  // a double space
    public void Parse_AnotherSpellingOfTheSameStatement_IsRefused(string canonical, string respelled)
    {
        var text = Encoding.ASCII.GetString(Statement().Encode());
        var altered = canonical.StartsWith("count persons 3\ncount", StringComparison.Ordinal)
            ? text.Replace(respelled, canonical, StringComparison.Ordinal)
            : text.Replace(canonical, respelled, StringComparison.Ordinal);
        Assert.NotEqual(text, altered);

        Assert.Throws<FormatException>(() => PeriodStatement.Parse(Encoding.ASCII.GetBytes(altered)));
    }

    [Fact]
    public void Verify_GoodSignature_IsGood_AndEveryAlterationIsBad()
    {
        var (statement, signature, certificate) = Sign(Statement());

        Assert.True(PeriodSignatures.Verify(statement, signature, certificate, _authority).Good);

        // Another digest in the statement: the signature no longer matches.
        var altered = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(statement).Replace("digest aa11", "digest aa12", StringComparison.Ordinal));
        Assert.Equal("the signature does not match the statement (altered, or signed with another key)",
            PeriodSignatures.Verify(altered, signature, certificate, _authority).Problem);

        // Signed by another node's certificate: it names another node.
        var (_, otherSignature, otherCertificate) = Sign(Statement(), Pki.IssueNode(_authority, "city-440300", "440300", [], Start, TimeSpan.FromDays(10)));
        Assert.Equal("the certificate names node city-440300 (440300), the statement city-440100 (440100)",
            PeriodSignatures.Verify(statement, otherSignature, otherCertificate, _authority).Problem);

        // A certificate of another CA naming the same node.
        var stranger = Pki.CreateAuthority("Other CA", Start, TimeSpan.FromDays(30));
        var (_, strangerSignature, strangerCertificate) = Sign(Statement(), Pki.IssueNode(stranger, "city-440100", "440100", [], Start, TimeSpan.FromDays(10)));
        Assert.StartsWith("the signer's certificate was not issued by this CA",
            PeriodSignatures.Verify(statement, strangerSignature, strangerCertificate, _authority).Problem, StringComparison.Ordinal);

        // Revoked.
        Assert.Equal("the signer's certificate has been revoked", PeriodSignatures.Verify(statement, signature, certificate, _authority, _ => true).Problem);
    }

    [Fact]
    public void BundleVerifier_ReportsSignaturesChainsAndSources()
    {
        var cityKey = Pki.IssueNode(_authority, "city-440100", "440100", [], Start, TimeSpan.FromDays(10));
        var september = Sign(Statement(period: "2026-09-30", digest: "bb22", previousPeriod: "2026-08-31", previousDigest: "0f0f"), cityKey);
        var october = Sign(Statement(), cityKey);
        var province = Sign(Statement("province-440000", digest: "ee55", previousPeriod: null, previousDigest: null, division: "440000",
            sources: [new("city-440100", "2026-10-31", "aa11"), new("city-440300", "2026-10-31", "ff66")]));
        BundledSignedPeriod Entry(string node, string period, (byte[] Statement, byte[] Signature, byte[] Certificate) s) =>
            new(node, period, Convert.ToBase64String(s.Statement), Convert.ToBase64String(s.Signature), Convert.ToBase64String(s.Certificate));
        var bundle = new SignedPeriodBundle(SignedPeriodBundle.FormatName, "ministry", "now",
            [Entry("city-440100", "2026-09-30", september), Entry("city-440100", "2026-10-31", october), Entry("province-440000", "2026-10-31", province)],
            [new BundledUnsignedPeriod("city-440300", "2026-10-31", "ff66")]);

        var results = BundleVerifier.Verify(SignedPeriodBundle.Read(bundle.ToJson()), _authority).ToDictionary(r => (r.Node, r.Period));

        Assert.All(results.Values, r => Assert.True(r.Good, $"{r.Node} {r.Period}: {r.Signature} {r.Chain}"));
        Assert.Equal("gap: previous 2026-08-31 is not in the bundle", results[("city-440100", "2026-09-30")].Chain);
        Assert.Equal("links to 2026-09-30", results[("city-440100", "2026-10-31")].Chain);
        Assert.Equal(["city-440100 2026-10-31 signed", "city-440300 2026-10-31 unsigned"], results[("province-440000", "2026-10-31")].Sources);

        // The city signs another October (a replaced store): both are proof of it, and both are reported.
        var replaced = Sign(Statement(digest: "ab12"), cityKey);
        var equivocating = bundle with { Signed = [.. bundle.Signed, Entry("city-440100", "2026-10-31", replaced)] };
        var after = BundleVerifier.Verify(equivocating, _authority);
        Assert.Equal(2, after.Count(r => r.Chain == "BROKEN: city-440100 signed 2 different digests for 2026-10-31"));
        Assert.Contains(after, r => r.Node == "province-440000" && r.Sources[0].StartsWith("city-440100 2026-10-31 BROKEN", StringComparison.Ordinal));
    }
}
