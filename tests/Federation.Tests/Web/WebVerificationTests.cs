using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Store.Security;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Web;

/// <summary>
/// The public check and an agency's verification in a real browser (issue 24, items 1, 2 and 6),
/// against a province serving its pages over a city holding generated, sealed records, both
/// real processes with mutual TLS: a genuine and a forged certificate checked by anyone (at phone
/// width, typed in full-width digits), an agency clerk signed in verifying a certificate live
/// through the city, then, with the city killed, the province's cached answer with its period and
/// reason; each lookup audited at the province as the RPC it is; no serious accessibility problem.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class WebVerificationTests
{
    private const string Period = "2026-10-31";

    [Fact]
    public async Task The_public_checks_a_certificate_and_an_agency_verifies_it_live_then_cached()
    {
        using var directory = new TempDirectory();
        string certificate = "", holder = "", name = "";
        var export = Path.Combine(directory.Path, "export-440100");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 200, Seed = 24, IdOffset = 24_000 }, export);
        var open = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1" && c["certificate_number"].Length == 16);
        (certificate, holder) = (open["certificate_number"], open["citizen_id"]);
        name = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == holder)["name"];
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", cityConfig, export, "--seal", Period]))
        {
            Assert.Equal(0, await ingest.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        }
        var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        try
        {
            var extra = NodeProcess.WebConfig();
            extra["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = city.Address.ToString() });
            extra["Exchange"] = new JsonObject { ["Enabled"] = false, ["VerificationTimeout"] = "00:00:02" };
            var provinceConfig = await NodeProcess.WriteConfigAsync(directory.Path, "province-440000", "province", "440000", extra);
            var provinceStore = Path.Combine(directory.Path, "data", "province-440000.db");
            TestPki.For(directory.Path).AddAccount(provinceStore, "agency.li", [("verifier", "440100")]);
            string token;
            using (var accounts = AccountStore.Open(SecurityDatabase.PathFor(provinceStore)))
            {
                token = accounts.IssueToken("agency.li");
            }
            await using var province = await NodeProcess.StartAsync(provinceConfig, "province-440000");
            using (var client = Exchange.Tree.Client(province))
            {
                Assert.Equal(OperationState.Succeeded, (await Exchange.Tree.ResyncAsync(client)).State);
            }
            var site = province.WebAddress!;

            // The public, on a phone: the number typed in full-width digits with spaces, as a Chinese
            // input method gives it.
            using (var phone = Browser.Start(nameof(WebVerificationTests) + ".public", width: 390, height: 844))
            {
                phone.Open(site, "/check");
                Assert.Equal("zh-CN", phone.Find("html").GetAttribute("lang"));
                phone.Fill("number", FullWidth(certificate[..8]) + " " + FullWidth(certificate[8..]));
                phone.Fill("name", name);
                phone.Click("#check");
                Assert.Contains("真实有效", phone.Text("#result"));
                Assert.Empty(phone.SeriousAccessibilityProblems("check-genuine"));
                phone.Screenshot("check-genuine");
                // Nothing personal beyond what was typed: no citizen ID, no place, no dates.
                Assert.DoesNotContain(holder, phone.Driver.PageSource, StringComparison.Ordinal);

                // A forged certificate: the right number with another name.
                phone.Open(site, "/check");
                phone.Fill("number", certificate);
                phone.Fill("name", name + "伪");
                phone.Click("#check");
                Assert.Contains("未通过查验", phone.Text("#result"));
                phone.Screenshot("check-forged");
                // And a number that was never issued: the same answer, word for word.
                var forged = phone.Text("#result");
                phone.Open(site, "/check");
                phone.Fill("number", certificate[..10] + "999999");
                phone.Fill("name", name);
                phone.Click("#check");
                Assert.Equal(forged, phone.Text("#result"));
            }

            using var browser = Browser.Start(nameof(WebVerificationTests) + ".agency");
            // The verification page needs an account: the browser is sent to sign in, and back.
            browser.Open(site, "/verify");
            Assert.Equal("/login", new Uri(browser.Driver.Url).AbsolutePath);
            browser.Fill("account", "agency.li");
            browser.Fill("token", token);
            browser.Click("#sign-in");
            Assert.Equal("/verify", new Uri(browser.Driver.Url).AbsolutePath);

            // Live: the province routes the certificate to the city that issued it.
            browser.Fill("number", certificate);
            browser.Click("#by-certificate");
            Assert.Contains(name, browser.Text("#holder"));
            Assert.Contains(certificate, browser.Text("#certificates"));
            Assert.Equal("province-440000", browser.Text("#answering-node"));
            var live = browser.Find("#sources li");
            Assert.Contains("province-440000 → city-440100", live.Text);
            Assert.Contains("实时", live.Text);
            Assert.Empty(browser.SeriousAccessibilityProblems("verify-live"));
            browser.Screenshot("verify-live");

            // The city is killed: the province answers from its copy, and says so.
            await city.DisposeAsync();
            browser.Fill("number", certificate);
            browser.Click("#by-certificate");
            Assert.Contains(name, browser.Text("#holder"));
            var cached = browser.Find("#sources li");
            Assert.Contains($"缓存（{Period} 期快照）", cached.Text);
            Assert.Contains("city-440100 did not answer", cached.FindElement(OpenQA.Selenium.By.CssSelector(".reason")).Text);
            browser.Screenshot("verify-cached");

            // English on request: the same card.
            browser.Click("nav.lang a");
            browser.Fill("number", certificate);
            browser.Click("#by-certificate");
            Assert.Contains($"cached (snapshot of period {Period})", browser.Text("#sources li"));

            // A certificate of another city: the table's jurisdiction rule refuses it, as over gRPC.
            browser.Fill("number", "4403061019000001");
            browser.Click("#by-certificate");
            Assert.Contains("440100", browser.Text("#problem .detail"));

            // Each lookup is the RPC, audited at the province under the clerk's account.
            using var channel = province.Channel();
            var audit = (await new Audit.AuditClient(channel).ReadAuditAsync(new ReadAuditRequest { Account = "agency.li", Limit = 1000 })).Records;
            Assert.Equal(3, audit.Count(r => r.Method == "/federation.v1.Verification/VerifyCertificate" && r.Principal == "account:agency.li" && r.Outcome == "OK"));
            Assert.Contains(audit, r => r.Method == "/federation.v1.Verification/VerifyCertificate" && r.Outcome == "PermissionDenied");
            Assert.DoesNotContain(audit, r => r.Subject.Contains(certificate, StringComparison.Ordinal));
        }
        finally
        {
            await city.DisposeAsync();
        }
    }

    private static string FullWidth(string digits) => new([.. digits.Select(c => (char)(c + 0xFEE0))]);
}
