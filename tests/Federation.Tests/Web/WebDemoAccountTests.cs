using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Testing;
using Federation.Tests.Exchange;
using Federation.Tests.Fedctl;
using OpenQA.Selenium;
using Xunit;

namespace Federation.Tests.Web;

/// <summary>
/// The pages with the demo's account, as the demo makes it (issue 24, "all working with the
/// demo's accounts"), on a tree of real processes — ministry ← province ← Guangzhou, each serving
/// its pages: <c>demo-operator</c>'s certificate issued by the code the demo issues it with
/// (<c>Pki.IssueAccount</c>), the account made at every node by the node's own <c>accounts add</c>
/// — the code the demo's <c>DemoPki.AddOperator</c> calls — with the demo's name, post and every
/// role over the node's jurisdiction, and its token taken as the demo says, with
/// <c>fedctl accounts token demo-operator</c> signed in with that certificate. With it: the
/// ministry's verification and console, the city's desk (a refusal on a listed ground, and one
/// forced into the form refused by the server) and the city's console, which sees itself only;
/// the quarterly report downloaded from the console is the HTML and spreadsheet <c>fedctl report</c>
/// writes. axe-core runs on every page (findings per page in docs/web.md).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed partial class WebDemoAccountTests
{
    // DemoPki's: Operator, OperatorName, OperatorPost; every role of the access table.
    private const string Operator = "demo-operator";
    private static readonly string[] DemoRoles = ["verifier", "analyst", "operator", "auditor", "administrator", "registrar"];

    [GeneratedRegex(@"(生成于|generated) \d{4}-\d{2}-\d{2} \d{2}:\d{2} [+-]\d{2}:\d{2}")]
    private static partial Regex GeneratedAt();

    [Fact]
    public async Task TheDemosAccount_SignsInToEveryPage_TheCityConsoleSeesItself_AndTheReportIsFedctls()
    {
        using var directory = new TempDirectory();
        var export = Path.Combine(directory.Path, "export-440100");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 300, Seed = 7, IdOffset = 7000 }, export);
        var open = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1" && c["certificate_number"].Length == 16);
        var certificate = open["certificate_number"];
        var name = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == open["citizen_id"])["name"];
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100", NodeProcess.WebConfig());
        await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", cityConfig, export, "--seal", Tree.Period]))
        {
            Assert.Equal(0, await ingest.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        }
        var pki = TestPki.For(directory.Path);
        pki.Account(Operator);
        await AddDemoOperatorAsync(cityConfig, pki);
        NodeProcess? city = null, province = null, ministry = null;
        try
        {
            city = await NodeProcess.StartAsync(cityConfig, "city-440100");
            province = await StartParentAsync(directory.Path, pki, "province-440000", "province", "440000", ("city-440100", "440100", city.Address));
            ministry = await StartParentAsync(directory.Path, pki, "ministry", "ministry", "000000", ("province-440000", "440000", province.Address));
            foreach (var parent in new[] { province, ministry })
            {
                using var client = Tree.Client(parent);
                Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(client)).State);
            }
            var ministryToken = await DemoTokenAsync(ministry);
            var cityToken = await DemoTokenAsync(city);
            var findings = new List<(string Page, int Count)>();

            // Anyone: the national public check and the sign-in page.
            using (var visitor = Browser.Start(nameof(WebDemoAccountTests) + "-public"))
            {
                visitor.Open(ministry.WebAddress!, "/");
                Accessible(visitor, "index", findings);
                visitor.Open(ministry.WebAddress!, "/check");
                visitor.Fill("number", certificate);
                visitor.Fill("name", name);
                visitor.Click("#check");
                Assert.Contains("真实有效", visitor.Text("#result"), StringComparison.Ordinal);
                Accessible(visitor, "check", findings);
                visitor.Open(ministry.WebAddress!, "/login");
                Accessible(visitor, "login", findings);
                visitor.Open(ministry.WebAddress!, "/denied");
                Accessible(visitor, "denied", findings);
                visitor.Open(ministry.WebAddress!, "/error");
                Accessible(visitor, "error", findings);
            }

            // The ministry with the demo's account: the agency verification, live through the tree, and the console.
            using (var national = Browser.Start(nameof(WebDemoAccountTests) + "-ministry"))
            {
                DeskAndConsoleBrowserTests.SignIn(national, ministry.WebAddress!, "/verify", ministryToken, Operator);
                national.Fill("number", certificate);
                national.Click("#by-certificate");
                Assert.Contains(name, national.Text("#holder"), StringComparison.Ordinal);
                Assert.Contains("→ city-440100", national.Text("#sources li"), StringComparison.Ordinal);
                Assert.Contains("实时", national.Text("#sources li"), StringComparison.Ordinal);
                national.Screenshot("verify-demo-operator");
                Accessible(national, "verify", findings);
                national.Open(ministry.WebAddress!, "/");
                Assert.Contains("/console", national.Find("main").GetAttribute("innerHTML"), StringComparison.Ordinal);
                Accessible(national, "index-signed-in", findings);
                national.Open(ministry.WebAddress!, "/console");
                Assert.Contains("ministry", national.Text("#node"), StringComparison.Ordinal);
                national.WaitFor(() => DeskAndConsoleBrowserTests.LiveText(national, "tr[data-child='province-440000']").Contains(Tree.Period, StringComparison.Ordinal),
                    "the ministry's console to show the province's period");
                national.Screenshot("console-ministry-demo-operator");
                Accessible(national, "console-ministry", findings);
            }

            // The national platform submits an application for Tianhe; Guangzhou's office refuses it on a listed ground.
            using (var platform = Tree.Client(ministry))
            {
                await platform.SubmitApplicationAsync(new SubmitApplicationRequest
                {
                    CitizenId = Citizen("440106", "19900101", "123"), Name = "陈晓明", PlaceType = "residence", PlaceDivision = "440106",
                    Category = "employment_to_unemployment", PlatformReference = "demo-web-1",
                });
            }
            using var office = Browser.Start(nameof(WebDemoAccountTests) + "-city");
            DeskAndConsoleBrowserTests.SignIn(office, city.WebAddress!, "/desk", cityToken, Operator);
            var row = "tr[data-application]";
            DeskAndConsoleBrowserTests.WaitReloading(office, () => office.FindAll(row).Count == 1, "the application to reach Guangzhou's desk");
            var applicationId = office.Find(row).GetAttribute("data-application");
            // The grounds offered are the service's one list (the seed's), nothing else.
            Assert.Equal(RefusalReasonCodes, office.FindAll($"#reason-{applicationId} option").Select(o => o.GetAttribute("value")));
            Accessible(office, "desk", findings);
            // A ground forced into the form (one the seed forbids) is refused by the server, saying why.
            ((IJavaScriptExecutor)office.Driver).ExecuteScript(
                $"var s = document.getElementById('reason-{applicationId}'); var o = document.createElement('option'); o.value = '资料不全'; o.text = '资料不全'; s.add(o); s.value = '资料不全';");
            office.Click(row + " button[value='refuse']");
            Assert.Contains("the seed forbids refusing a registration for incomplete papers", office.Text("#problem"), StringComparison.Ordinal);
            Accessible(office, "desk-refusal-refused", findings);
            office.Find($"#reason-{applicationId} option[value='not_seeking_work']").Click();
            office.Click(row + " button[value='refuse']");
            Assert.Contains("无就业需求", office.Text("#done"), StringComparison.Ordinal);
            office.Screenshot("desk-demo-operator-refused");

            // The city's console: it sees itself only — no children, nothing to resync, its own sealed period.
            office.Open(city.WebAddress!, "/console");
            Assert.StartsWith("city-440100 · 市级节点 · 440100", office.Text("#node"), StringComparison.Ordinal);
            Assert.Contains("本节点没有下级节点（市级节点只看到自己）。", office.Text("#live"), StringComparison.Ordinal);
            Assert.Empty(office.FindAll("tr[data-child]"));
            Assert.Empty(office.FindAll("form[data-resync]"));
            Assert.Contains(Tree.Period, office.Text("#own-periods"), StringComparison.Ordinal);
            Assert.DoesNotContain("province-440000", office.Find("main").Text, StringComparison.Ordinal);
            Assert.All(office.FindAll("#backlog tr[data-city]"), r => Assert.Equal("440100", r.GetAttribute("data-city")));
            office.Screenshot("console-city-sees-itself");
            Accessible(office, "console-city", findings);

            // The console's report is fedctl report's: the same HTML and the same spreadsheet (but for the time each was made).
            var session = office.Cookie("__Host-federation-session")!.Value;
            using var web = city.WebClient();
            var html = await GetAsync(web, new Uri(city.WebAddress!, "/console/report?quarter=2026Q3"), session);
            var xlsx = await GetAsync(web, new Uri(city.WebAddress!, "/console/report?quarter=2026Q3&format=xlsx"), session);
            var fedctlHtml = directory.File("fedctl-report.html");
            var fedctlXlsx = directory.File("fedctl-report.xlsx");
            var (exitCode, output) = await FedctlProcess.RunAsAsync(city, Operator, "report", "--quarter", "2026Q3", "--out", fedctlHtml, "--xlsx", fedctlXlsx);
            Assert.True(exitCode == 0, output);
            var consoleText = System.Text.Encoding.UTF8.GetString(html);
            Assert.Contains("2026年第三季度", consoleText, StringComparison.Ordinal);
            Assert.Equal(GeneratedAt().Replace(await File.ReadAllTextAsync(fedctlHtml), "$1 …"), GeneratedAt().Replace(consoleText, "$1 …"));
            var consoleXlsx = directory.File("console-report.xlsx");
            await File.WriteAllBytesAsync(consoleXlsx, xlsx);
            Assert.Equal(Sheets(fedctlXlsx), Sheets(consoleXlsx));

            office.Open(city.WebAddress!, "/console/report?quarter=2026Q3");
            Accessible(office, "console-report", findings);

            // The city's pages in English too: the console and the desk; then signing out.
            office.Open(city.WebAddress!, "/console");
            office.Click("nav.lang a");
            Accessible(office, "console-city-en", findings);
            office.Open(city.WebAddress!, "/desk");
            Accessible(office, "desk-en", findings);
            office.Click("form.signout button");
            Accessible(office, "logout", findings);

            var report = string.Join(Environment.NewLine, findings.Select(f => $"{f.Page}: {f.Count}"));
            await File.WriteAllTextAsync(Path.Combine(Browser.ArtefactsRoot, nameof(WebDemoAccountTests) + "-axe-counts.txt"), report);
        }
        finally
        {
            foreach (var node in new[] { ministry, province, city })
            {
                if (node is not null)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    private static readonly string[] RefusalReasonCodes = [.. RefusalReasons.Unemployment.Select(r => r.Code)];

    // As the demo: Federation.Node accounts add, the demo's name and post, every role over the node's division, bound to the certificate.
    private static async Task AddDemoOperatorAsync(string config, TestPki pki)
    {
        string[] roles = [.. DemoRoles.SelectMany(role => new[] { "--role", role })];
        await using var add = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "accounts", "add", "--config", config, "--id", Operator, "--name", "Demo Operator",
            "--post", "demo (every role, this node's jurisdiction)", "--certificate", Path.Combine(pki.Directory, Operator + ".pem"), .. roles]);
        Assert.True(await add.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, add.Output);
        Assert.Contains($"Account {Operator} created", add.Output, StringComparison.Ordinal);
    }

    // The demo prints: fedctl accounts token demo-operator (fedctl signed in with the demo operator's certificate).
    private static async Task<string> DemoTokenAsync(NodeProcess node)
    {
        var (exitCode, output) = await FedctlProcess.RunAsAsync(node, Operator, "accounts", "token", Operator);
        Assert.True(exitCode == 0, output);
        return output.Trim();
    }

    private static async Task<NodeProcess> StartParentAsync(string directory, TestPki pki, string id, string level, string code, params (string Id, string Code, Uri Address)[] children)
    {
        var extra = NodeProcess.WebConfig();
        extra["Children"] = new JsonArray([.. children.Select(c => (JsonNode)new JsonObject { ["Id"] = c.Id, ["DivisionCode"] = c.Code, ["Address"] = c.Address.ToString() })]);
        extra["Exchange"] = new JsonObject { ["Enabled"] = false };
        var config = await NodeProcess.WriteConfigAsync(directory, id, level, code, extra);
        await AddDemoOperatorAsync(config, pki);
        return await NodeProcess.StartAsync(config, id);
    }

    private static async Task<byte[]> GetAsync(HttpClient web, Uri address, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Add("Cookie", "__Host-federation-session=" + session);
        using var response = await web.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{address}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    // Each sheet's rows as text, the row saying when the workbook was made left out.
    private static List<string> Sheets(string path) =>
        [.. MiniExcelLibs.MiniExcel.GetSheetNames(path).SelectMany(sheet => MiniExcelLibs.MiniExcel.Query(path, sheetName: sheet)
            .Select(row => sheet + ": " + string.Join(" | ", ((IDictionary<string, object?>)row).Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))
            .Where(line => !line.Contains("生成时间", StringComparison.Ordinal)))];

    // axe-core on the open page: the count of rules broken is recorded; a serious or critical one fails the test.
    private static void Accessible(Browser browser, string page, List<(string Page, int Count)> findings)
    {
        var violations = browser.CheckAccessibility(page);
        findings.Add((page, violations.Count));
        var serious = violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe-core on {page}: {string.Join("; ", serious.Select(p => $"{p.Id} ({p.Impact}) ×{p.Nodes} at {p.FirstTarget}: {p.Help}"))}");
    }

    private static string Citizen(string address, string birth, string sequence) => address + birth + sequence + CitizenId.CheckCharacter(address + birth + sequence);
}
