using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Federation.Testing;

/// <summary>
/// A real browser for the web pages' tests (docs/web.md): Debian's headless <c>chromium</c>
/// driven through Debian's <c>chromedriver</c> with Selenium WebDriver. It trusts any server
/// certificate (the nodes' come from a per-test CA). Screenshots and accessibility reports are
/// test artefacts under the test output directory (<see cref="ArtefactsRoot"/>), never in the
/// checkout. Missing peers fail with the install hint (<see cref="Peers"/>).
/// </summary>
public sealed class Browser : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private Browser(ChromeDriver driver, string artefacts)
    {
        Driver = driver;
        Artefacts = artefacts;
    }

    public IWebDriver Driver { get; }

    /// <summary>Where this browser's screenshots and reports go.</summary>
    public string Artefacts { get; }

    /// <summary>The test output directory's <c>artefacts/web</c> (bin/…/artefacts/web: ignored by git).</summary>
    public static string ArtefactsRoot => Path.Combine(AppContext.BaseDirectory, "artefacts", "web");

    /// <summary>Starts a headless Chromium.</summary>
    /// <param name="name">Names its artefacts' directory (the test's name).</param>
    /// <param name="width">Window width in CSS pixels: 1280 for a desk, 390 for a phone.</param>
    /// <param name="height">Window height in CSS pixels.</param>
    public static Browser Start(string name, int width = 1280, int height = 1000)
    {
        var chromium = Peers.Chromium;
        var chromedriver = Peers.ChromeDriver;
        var options = new ChromeOptions { BinaryLocation = chromium, AcceptInsecureCertificates = true };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
            $"--window-size={width},{height}", "--lang=zh-CN");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, Patience);
        driver.Manage().Timeouts().PageLoad = Patience;
        driver.Manage().Timeouts().AsynchronousJavaScript = Patience;
        var artefacts = Path.Combine(ArtefactsRoot, name);
        Directory.CreateDirectory(artefacts);
        return new Browser(driver, artefacts);
    }

    /// <summary>Opens <paramref name="path"/> of <paramref name="site"/>.</summary>
    public void Open(Uri site, string path = "/") => Driver.Navigate().GoToUrl(new Uri(site, path));

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IReadOnlyList<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    /// <summary>Types <paramref name="value"/> into the field with that id, replacing what it held.</summary>
    public void Fill(string id, string value)
    {
        var field = Driver.FindElement(By.Id(id));
        field.Clear();
        field.SendKeys(value);
    }

    /// <summary>Clicks (a submit button: the form is posted and the next page loaded) and waits until the page has changed.</summary>
    public void Click(string css)
    {
        var before = Driver.FindElement(By.TagName("html"));
        Find(css).Click();
        WaitFor(() => IsStale(before), "the page to change after clicking " + css);
    }

    /// <summary>The visible text of the first element matching <paramref name="css"/>.</summary>
    public string Text(string css) => Find(css).Text;

    /// <summary>Waits (polling) until <paramref name="condition"/> holds; fails naming <paramref name="what"/>.</summary>
    public void WaitFor(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"waited {Patience.TotalSeconds:0} s for {what}; the page is {Driver.Url}: {Driver.FindElement(By.TagName("body")).Text}");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>Saves a PNG of the whole page as <c>&lt;name&gt;.png</c> in <see cref="Artefacts"/>; returns its path.</summary>
    public string Screenshot(string name)
    {
        // The window as tall as the page, so the shot holds all of it.
        var height = Convert.ToInt32(((IJavaScriptExecutor)Driver).ExecuteScript("return Math.ceil(document.documentElement.scrollHeight)"), System.Globalization.CultureInfo.InvariantCulture);
        var size = Driver.Manage().Window.Size;
        Driver.Manage().Window.Size = new System.Drawing.Size(size.Width, Math.Clamp(height + 40, 400, 6000));
        var path = Path.Combine(Artefacts, name + ".png");
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(path);
        Driver.Manage().Window.Size = size;
        return path;
    }

    /// <summary>One accessibility rule the page breaks, as axe-core reports it.</summary>
    public sealed record AxeViolation(string Id, string Impact, string Help, int Nodes, string FirstTarget);

    /// <summary>
    /// Runs axe-core (npm, <see cref="Peers.AxeScript"/>) on the open page (WCAG 2.x A and AA rules and
    /// best practices); writes the report to <c>&lt;name&gt;.axe.json</c> in <see cref="Artefacts"/>.
    /// </summary>
    public IReadOnlyList<AxeViolation> CheckAccessibility(string name)
    {
        var script = (IJavaScriptExecutor)Driver;
        script.ExecuteScript(File.ReadAllText(Peers.AxeScript));
        var json = script.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.length, first: JSON.stringify(v.nodes[0] ? v.nodes[0].target : []) })))))
              .catch(e => done('ERROR ' + e));
            """) as string ?? "ERROR axe-core returned nothing";
        if (json.StartsWith("ERROR", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"axe-core failed on {Driver.Url}: {json}");
        }
        File.WriteAllText(Path.Combine(Artefacts, name + ".axe.json"), json);
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(v => new AxeViolation(v.GetProperty("id").GetString()!, v.GetProperty("impact").GetString()!,
            v.GetProperty("help").GetString()!, v.GetProperty("nodes").GetInt32(), v.GetProperty("first").GetString()!))];
    }

    /// <summary>The violations of <see cref="CheckAccessibility"/> that axe rates serious or critical (the tests allow none).</summary>
    public IReadOnlyList<AxeViolation> SeriousAccessibilityProblems(string name) =>
        [.. CheckAccessibility(name).Where(v => v.Impact is "serious" or "critical")];

    /// <summary>A cookie the browser holds for the open site, or null.</summary>
    public Cookie? Cookie(string name) => Driver.Manage().Cookies.GetCookieNamed(name);

    private static bool IsStale(IWebElement element)
    {
        try
        {
            _ = element.Enabled;
            return false;
        }
        catch (StaleElementReferenceException)
        {
            return true;
        }
        catch (UnknownErrorException ex) when (ex.Message.Contains("does not belong to the document", StringComparison.Ordinal))
        {
            // Chromium's other word for the same thing, when the old page is torn down between
            // finding the element and asking it (seen once in a clean-clone run).
            return true;
        }
    }

    public void Dispose() => Driver.Quit();
}
