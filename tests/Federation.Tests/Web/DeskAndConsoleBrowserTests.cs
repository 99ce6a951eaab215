using System.Text.Json.Nodes;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store.Security;
using Federation.Testing;
using Federation.Tests.Exchange;
using OpenQA.Selenium;
using Xunit;

namespace Federation.Tests.Web;

/// <summary>
/// The registration desk and the operator console in a real browser (headless Chromium, docs/web.md)
/// against a running secured tree — ministry ← province ← Guangzhou, each its own process with its
/// web pages: a local office decides an application submitted at the ministry, and the decision is
/// visible at the ministry; a walk-in's exit is recorded and the ministry's count follows it (the
/// console refreshing in place); a resync from the province's console completes, and with the city
/// killed the next one fails and the console shows the city stale. Screenshots and axe-core reports are artefacts.
/// </summary>
public sealed class DeskAndConsoleBrowserTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // Guangzhou's next period, sealed while it is down.
    private const string NextPeriod = "2026-11-30";

    [Fact]
    public async Task TheDesk_DecidesAndRecordsAnExit_TheMinistrySeesBoth_AndTheConsoleShowsAKilledCityStale_ThenResyncs()
    {
        using var directory = new TempDirectory();
        var cityConfig = await Tree.PrepareCityAsync(directory.Path, "440100", 300, 1);
        await NodeProcess.EditConfigAsync(cityConfig, config => config["Web"] = NodeProcess.WebConfig()["Web"]!.DeepClone());
        var cityToken = IssueToken(directory.Path, "city-440100");
        var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        var cityStopped = false;
        NodeProcess? province = null;
        NodeProcess? ministry = null;
        try
        {
            (province, var provinceToken) = await StartParentAsync(directory.Path, "province-440000", "province", "440000", ("city-440100", "440100", city.Address));
            (ministry, var ministryToken) = await StartParentAsync(directory.Path, "ministry", "ministry", "000000", ("province-440000", "440000", province.Address));
            using var national = Tree.Client(ministry);

            // The national platform submits an application for Tianhe (Guangzhou) at the ministry.
            var worker = Citizen("440106", "19900101", "123");
            var application = (await national.SubmitApplicationAsync(new SubmitApplicationRequest
            {
                CitizenId = worker, Name = "陈晓明", PlaceType = "residence", PlaceDivision = "440106", Category = "employment_to_unemployment", PlatformReference = "web-1",
            })).Application;

            using var browser = Browser.Start(nameof(DeskAndConsoleBrowserTests));
            // The local office signs in to its desk and finds the application in its queue.
            SignIn(browser, city.WebAddress!, "/desk", cityToken);
            var row = $"tr[data-application='{application.ApplicationId}']";
            WaitReloading(browser, () => browser.FindAll(row).Count == 1, "the application reaches Guangzhou's desk");
            Assert.Contains("陈晓明", browser.Text(row), StringComparison.Ordinal);
            Assert.DoesNotContain(worker, browser.Find("body").Text, StringComparison.Ordinal);
            browser.Screenshot("desk-queue");
            AssertAccessible(browser, "desk");

            // It is accepted: a registration is opened and the contact is due.
            browser.Click(row + " button[value='accept']");
            var registration = "WS" + application.ApplicationId[1..];
            Assert.Contains(registration, browser.Text("#done"), StringComparison.Ordinal);

            // The decision is visible at the ministry: on its desk page, the worker waits for contact under that registration.
            using var national2 = Browser.Start(nameof(DeskAndConsoleBrowserTests) + "-ministry");
            SignIn(national2, ministry.WebAddress!, "/desk", ministryToken);
            WaitReloading(national2, () => national2.FindAll(row).Count == 1 && national2.Text(row).Contains(registration, StringComparison.Ordinal),
                "the decision to reach the ministry");
            national2.Screenshot("desk-ministry-sees-decision");

            browser.Click(row + " form[action*='Contact'] button");
            Assert.Contains("联系本人", browser.Text("#done"), StringComparison.Ordinal);

            // A walk-in is registered.
            browser.Fill("registrationId", "GZ-W-0001");
            browser.Fill("citizenId", Citizen("440104", "19850505", "454"));
            Select(browser, "handlingDivision", "440104");
            browser.Click("form[action*='Register'] button[type='submit']");
            Assert.Contains("GZ-W-0001", browser.Text("#done"), StringComparison.Ordinal);
            // Only the seven reasons are offered for an exit …
            Assert.Equal(ExitReasons.Unemployment, browser.FindAll("#exitReason option").Select(o => o.GetAttribute("value")));
            // … and one forced into the form anyway is refused by the server, saying why.
            ((IJavaScriptExecutor)browser.Driver).ExecuteScript("var s = document.getElementById('exitReason'); var o = document.createElement('option'); o.value = 'unreachable'; o.text = 'unreachable'; s.add(o); s.value = 'unreachable';");
            browser.Fill("exitRegistrationId", "GZ-W-0001");
            browser.Click("form[action*='Exit'] button[type='submit']");
            Assert.Contains("not a reason to cancel a registration (R-17)", browser.Text("#problem"), StringComparison.Ordinal);

            // The ministry's console counts Guangzhou's two registrations …
            national2.Open(ministry.WebAddress!, "/console");
            national2.WaitFor(() => LiveText(national2, "[data-valid-origin='city-440100']") == "city-440100 2",
                "the ministry's console to count two registrations in Guangzhou");
            ((IJavaScriptExecutor)national2.Driver).ExecuteScript("window.federationNotReloaded = 42;");

            // … and once the walk-in leaves for a job, one: the console refreshes in place, not reloaded.
            browser.Fill("exitRegistrationId", "GZ-W-0001");
            Select(browser, "exitReason", "employed");
            browser.Screenshot("desk-exit-form");
            browser.Click("form[action*='Exit'] button[type='submit']");
            Assert.Contains("已注销登记 GZ-W-0001", browser.Text("#done"), StringComparison.Ordinal);
            national2.WaitFor(() => LiveText(national2, "[data-valid-origin='city-440100']") == "city-440100 1", "the ministry's console to count the exit");
            Assert.Equal(42L, ((IJavaScriptExecutor)national2.Driver).ExecuteScript("return window.federationNotReloaded;"));
            national2.Screenshot("console-ministry");
            AssertAccessible(national2, "console-ministry");

            // The province's console: a resync from it completes, with its progress shown …
            using var regional = Browser.Start(nameof(DeskAndConsoleBrowserTests) + "-province");
            SignIn(regional, province.WebAddress!, "/console", provinceToken);
            var cityRow = "tr[data-child='city-440100']";
            Assert.Contains("从未拉取", regional.Text(cityRow), StringComparison.Ordinal);
            ClickResync(regional, cityRow);
            regional.WaitFor(() => regional.FindAll("#resync-state[data-state='Succeeded']").Count == 1, "the resync from the console to complete");
            // The script's progress is in the page's language: Chinese first.
            Assert.StartsWith("重新同步 ", regional.Text("#resync-state"), StringComparison.Ordinal);
            Assert.Contains("已完成", regional.Text("#resync-state"), StringComparison.Ordinal);
            Assert.Contains("city-440100：", regional.Text("#resync-state li[data-child='city-440100']"), StringComparison.Ordinal);
            regional.WaitFor(() => regional.FindAll(cityRow + "[data-state='state-stale']").Count == 0 && LiveText(regional, cityRow).Contains(Tree.Period, StringComparison.Ordinal),
                "the console to show Guangzhou's period");
            regional.Open(province.WebAddress!, "/console");
            Assert.Contains(Tree.Period, regional.Text("#own-periods"), StringComparison.Ordinal);
            Assert.Contains("city-440100@" + Tree.Period, regional.Text("#own-periods"), StringComparison.Ordinal);
            regional.Screenshot("console-resynced");

            // … and with Guangzhou killed, the next resync fails and the console shows it stale, with why.
            await city.DisposeAsync();
            cityStopped = true;
            ClickResync(regional, cityRow);
            regional.WaitFor(() => regional.FindAll("#resync-state[data-state='Failed']").Count == 1, "the resync to fail with Guangzhou down");
            regional.WaitFor(() => regional.FindAll(cityRow + "[data-state='state-stale']").Count == 1, "Guangzhou to show stale");
            regional.WaitFor(() => LiveText(regional, cityRow).Contains("陈旧", StringComparison.Ordinal), "the state said in words");
            regional.Screenshot("console-city-stale");
            AssertAccessible(regional, "console-province");

            // Guangzhou seals its next period while down and comes back on its address; a resync from
            // the console — the reader now in English — follows the pull to completion, and the tree shows the new period.
            await using (var seal = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "seal", "--config", cityConfig, "--as-of", NextPeriod]))
            {
                Assert.True(await seal.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, seal.Output);
            }
            city = await city.RestartAsync("city-440100");
            cityStopped = false;
            regional.Click("nav.lang a");
            Assert.Equal("en", regional.Find("html").GetAttribute("lang"));
            ClickResync(regional, cityRow);
            regional.WaitFor(() => regional.FindAll("#resync-state[data-state='Succeeded']").Count == 1, "the resync after Guangzhou's return to complete");
            var progress = regional.Text("#resync-state");
            Assert.StartsWith("Resync ", progress, StringComparison.Ordinal);
            Assert.Contains("completed", progress, StringComparison.Ordinal);
            Assert.Contains("city-440100: committed", progress, StringComparison.Ordinal);
            Assert.DoesNotContain("重新同步", progress, StringComparison.Ordinal);
            regional.WaitFor(() => regional.FindAll(cityRow + "[data-state='state-stale']").Count == 0 && LiveText(regional, cityRow).Contains(NextPeriod, StringComparison.Ordinal),
                "the console to show Guangzhou's new period, no longer stale");
            // The whole row in English, its lag too.
            Assert.Matches("on time|late|stale|never pulled", LiveText(regional, cityRow));
            Assert.DoesNotMatch("[秒分天]", LiveText(regional, cityRow));
            regional.Screenshot("console-city-back-resynced");
            AssertAccessible(regional, "console-province-en");
        }
        finally
        {
            if (ministry is not null)
            {
                await ministry.DisposeAsync();
            }
            if (province is not null)
            {
                await province.DisposeAsync();
            }
            if (!cityStopped)
            {
                await city.DisposeAsync();
            }
        }
    }

    // The button is in the part the page refreshes: clicked again if a refresh replaced it meanwhile.
    private static void ClickResync(Browser browser, string row) =>
        browser.WaitFor(() =>
        {
            try
            {
                browser.Find(row + " form[data-resync] button").Click();
                return true;
            }
            catch (StaleElementReferenceException)
            {
                return false;
            }
        }, "the resync button");

    // A parent serving its pages, pulling only when told to (a resync), with a token for the tester.
    private static async Task<(NodeProcess Node, string Token)> StartParentAsync(string directory, string id, string level, string code, params (string Id, string Code, Uri Address)[] children)
    {
        var extra = new JsonObject
        {
            ["Children"] = new JsonArray([.. children.Select(c => (JsonNode)new JsonObject { ["Id"] = c.Id, ["DivisionCode"] = c.Code, ["Address"] = c.Address.ToString() })]),
            ["Exchange"] = new JsonObject { ["Enabled"] = false },
            ["Web"] = NodeProcess.WebConfig()["Web"]!.DeepClone(),
        };
        var config = await NodeProcess.WriteConfigAsync(directory, id, level, code, extra);
        var token = IssueToken(directory, id);
        return (await NodeProcess.StartAsync(config, id), token);
    }

    // The harness's tester account (every role, nationally) gets an API token to sign in with.
    private static string IssueToken(string directory, string nodeId)
    {
        using var accounts = AccountStore.Open(SecurityDatabase.PathFor(Path.Combine(directory, "data", nodeId + ".db")));
        return accounts.IssueToken(TestPki.Tester);
    }

    internal static void SignIn(Browser browser, Uri site, string path, string token, string account = TestPki.Tester)
    {
        browser.Open(site, path);
        browser.Fill("account", account);
        browser.Fill("token", token);
        browser.Click("#sign-in");
        Assert.EndsWith(path, new Uri(browser.Driver.Url).AbsolutePath, StringComparison.Ordinal);
    }

    // The text of an element in the part of the console that refreshes itself: "" while it is being replaced.
    internal static string LiveText(Browser browser, string css)
    {
        try
        {
            return browser.FindAll(css) is [var element, ..] ? element.Text : "";
        }
        catch (StaleElementReferenceException)
        {
            return "";
        }
    }

    // Chooses an option of a select by its value, as a person picking it does (the change event fires).
    private static void Select(Browser browser, string id, string value) =>
        browser.Find($"#{id} option[value='{value}']").Click();

    internal static void WaitReloading(Browser browser, Func<bool> condition, string what) =>
        browser.WaitFor(() =>
        {
            if (condition())
            {
                return true;
            }
            browser.Driver.Navigate().Refresh();
            return false;
        }, what);

    private static void AssertAccessible(Browser browser, string name)
    {
        var problems = browser.SeriousAccessibilityProblems(name);
        Assert.True(problems.Count == 0, $"axe-core on {name}: {string.Join("; ", problems.Select(p => $"{p.Id} ({p.Impact}) ×{p.Nodes} at {p.FirstTarget}: {p.Help}"))}");
    }

    private static string Citizen(string address, string birth, string sequence) => address + birth + sequence + CitizenId.CheckCharacter(address + birth + sequence);
}
