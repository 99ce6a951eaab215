using System.Diagnostics;
using System.Security.Cryptography;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Federation.Tests.Exchange;
using Federation.Tests.Fedctl;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Tests.Security;

/// <summary>
/// Callers proven end to end through a real tree — ministry, province, Guangzhou: fedctl's verify
/// entered at the ministry is signed by the caller and answered live by the city, whose audit entry
/// names the certificate that proved the caller; a token caller (no key) is never lent to a child:
/// a certificate is asked for by the ministry as itself, a person not at all.
/// </summary>
public sealed class ForwardedCallerTreeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FedctlVerify_ThroughMinistryAndProvince_AnsweredLiveWithTheCallerProvenAtTheCity()
    {
        // Arrange
        using var directory = new TempDirectory();
        string certificate = "", citizen = "";
        var cityConfig = await Tree.PrepareCityAsync(directory.Path, "440100", 30, 61, export =>
        {
            var open = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1");
            (certificate, citizen) = (open["certificate_number"], open["citizen_id"]);
        });
        await using var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        await using var province = await Tree.StartParentAsync(directory.Path, "province-440000", "province", "440000", ("city-440100", "440100", city.Address));
        await using var ministry = await Tree.StartParentAsync(directory.Path, "ministry", "ministry", "000000", ("province-440000", "440000", province.Address));
        using var cityClient = Tree.Client(city);
        using var signed = Tree.Client(ministry);
        var token = await signed.IssueTokenAsync(TestPki.Tester);
        using var byToken = Tree.Client(ministry, options => { options.ClientCertificate = null; options.BearerToken = token; });
        using var tester = ministry.Pki.Load(TestPki.Tester);
        var thumbprint = Convert.ToHexString(SHA256.HashData(tester.RawData))[..16];

        // Act: fedctl, as the caller, at the ministry.
        var (exitCode, text) = await FedctlProcess.RunAsync(ministry, "verify", "cert", certificate);

        // Assert: answered live two hops down, and the city proved the caller itself.
        Assert.True(exitCode == 0, text);
        Assert.Contains("Answered by ministry: ministry → province-440000 → city-440100 (2 hops), live", text, StringComparison.Ordinal);
        var entry = (await cityClient.ReadAuditAsync(limit: 1000, account: TestPki.Tester)).Records.Last(r => r.Method.EndsWith("/VerifyCertificate", StringComparison.Ordinal));
        Assert.Equal(("node:province-440000", "OK"), (entry.Principal, entry.Outcome));
        Assert.StartsWith($"tester@ministry signed:{thumbprint} grants:", entry.OnBehalfOf, StringComparison.Ordinal);
        Assert.Contains("verifier:000000", entry.OnBehalfOf, StringComparison.Ordinal);

        // A token caller's person query is not forwarded (the ministry may not ask as itself, and
        // has no copy here): the answer says why, and the city never saw the call.
        var person = await byToken.VerifyPersonAsync(citizen);
        Assert.False(person.Found);
        Assert.StartsWith("province-440000: the call is not signed by its caller", Assert.Single(person.Provenance.Unanswered), StringComparison.Ordinal);
        Assert.DoesNotContain((await cityClient.ReadAuditAsync(limit: 1000)).Records, r => r.Method.EndsWith("/VerifyPerson", StringComparison.Ordinal));

        // A token caller's certificate query: the ministry asks as itself, and the city's audit says so.
        var byNode = await byToken.VerifyCertificateAsync(certificate);
        Assert.Equal(Freshness.Live, Assert.Single(byNode.Provenance.Sources).Freshness);
        var asItself = (await cityClient.ReadAuditAsync(limit: 1000)).Records.Last(r => r.Method.EndsWith("/VerifyCertificate", StringComparison.Ordinal));
        Assert.Equal(("node:province-440000", ""), (asItself.Principal, asItself.OnBehalfOf));

        // The signed person query is forwarded and proven.
        var signedPerson = await signed.VerifyPersonAsync(citizen);
        Assert.True(signedPerson.Found);
        Assert.Equal(["ministry", "province-440000", "city-440100"], Assert.Single(signedPerson.Provenance.Sources).Route);
        entry = (await cityClient.ReadAuditAsync(limit: 1000, account: TestPki.Tester)).Records.Last(r => r.Method.EndsWith("/VerifyPerson", StringComparison.Ordinal));
        Assert.StartsWith($"tester@ministry signed:{thumbprint}", entry.OnBehalfOf, StringComparison.Ordinal);

        // What a signature costs: the same live route, interleaved call by call so that the busy
        // machine's load falls on all three alike — signed (checked at each of the three nodes),
        // the same certificate unsigned, and a token (both asked for by the ministry as itself).
        using var channel = ministry.Channel();
        var unsigned = new Verification.VerificationClient(channel);
        var request = new VerifyCertificateRequest { CertificateNumber = certificate };
        Func<Task>[] variants =
        [
            () => signed.VerifyCertificateAsync(certificate),
            async () => await unsigned.VerifyCertificateAsync(request, deadline: DateTime.UtcNow.AddSeconds(30)),
            () => byToken.VerifyCertificateAsync(certificate),
        ];
        var medians = await MediansAsync(variants);
        output.WriteLine($"median VerifyCertificate ministry → province → city: signed {medians[0]:0.00} ms, same certificate unsigned {medians[1]:0.00} ms, token {medians[2]:0.00} ms (300 rounds, interleaved, after 20 to warm up)");
    }

    private static async Task<double[]> MediansAsync(Func<Task>[] variants)
    {
        var times = variants.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < 320; round++)
        {
            for (var i = 0; i < variants.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await variants[i]();
                if (round >= 20)
                {
                    times[i].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
        return [.. times.Select(t => t.Order().ElementAt(t.Count / 2))];
    }
}
