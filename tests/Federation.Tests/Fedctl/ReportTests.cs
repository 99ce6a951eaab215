using System.Text.RegularExpressions;
using Federation.DataGen;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Fedctl;

/// <summary>
/// The quarterly report from a city with a year of worker data and enterprise monitoring: its
/// figures are the node's GetIndicators and GetEnterpriseSummary, its spreadsheet holds the same,
/// and Debian's Chromium renders it headless to a picture.
/// </summary>
public sealed partial class ReportTests(ReportTests.MonitoredCity city) : IClassFixture<ReportTests.MonitoredCity>
{
    [GeneratedRegex("data-key=\"(\\w+)\" data-scope=\"([^\"]*)\" data-value=\"(-?\\d+)\"")]
    private static partial Regex FigureCell();

    [Fact]
    public async Task Report_FiguresEqualTheNodesIndicators_SpreadsheetAgrees_ChromiumRendersIt()
    {
        using var directory = new TempDirectory();
        var html = directory.File("report.html");
        var xlsx = directory.File("report.xlsx");
        var (exitCode, output) = await FedctlProcess.RunAsync(city.Node, "report", "--quarter", "2026Q3", "--employed-total", "50000000", "--out", html, "--xlsx", xlsx);
        Assert.True(exitCode == 0, output);

        var text = await File.ReadAllTextAsync(html);
        var cells = FigureCell().Matches(text).ToDictionary(m => (m.Groups[1].Value, m.Groups[2].Value), m => long.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
        using var client = Exchange.Tree.Client(city.Node);
        var quarter = await client.GetIndicatorsAsync("2026-10-31", "2026-07-01", "2026-09-30", null, 50_000_000, false);
        var yearToDate = await client.GetIndicatorsAsync("2026-10-31", "2026-01-01", "2026-09-30", null, 50_000_000, false);
        var lastYear = await client.GetIndicatorsAsync("2026-10-31", "2025-07-01", "2025-09-30", null, 50_000_000, false);
        Assert.True(quarter.NewUrbanEmployment > 0 && quarter.RegisteredUnemployed > 0, "the fixture has employment and unemployment in the quarter");
        Assert.Equal(
            (quarter.NewUrbanEmployment, quarter.ReemployedUnemployed, quarter.HardToEmployEmployed, quarter.RegisteredUnemployed),
            (cells[("new_urban_employment", "quarter")], cells[("reemployed_unemployed", "quarter")], cells[("hard_to_employ_employed", "quarter")], cells[("registered_unemployed", "quarter")]));
        Assert.Equal((yearToDate.NewUrbanEmployment, yearToDate.RegisteredUnemployed), (cells[("new_urban_employment", "year_to_date")], cells[("registered_unemployed", "year_to_date")]));
        Assert.Equal((lastYear.NewUrbanEmployment, lastYear.RegisteredUnemployed), (cells[("new_urban_employment", "2025Q3")], cells[("registered_unemployed", "same_quarter_last_year")]));
        Assert.Contains($"data-value=\"{quarter.RegisteredUnemploymentRate}\"", text, StringComparison.Ordinal);
        // 50,000,000 employed against the fixture's few hundred unemployed rounds to 0.00: shown as
        // "< 0.01 %" with the unrounded rate in the note, never as a bare "0.00 %".
        Assert.Equal("0.00", quarter.RegisteredUnemploymentRate);
        Assert.DoesNotContain(">0.00 %<", text, StringComparison.Ordinal);
        Assert.Contains("&lt; 0.01 %", text, StringComparison.Ordinal);
        Assert.Matches("失业率约 0\\.00\\d+ %", text);
        AssertChineseCaptions(text);
        AssertLegendsDoNotOverlap(text);
        // Inflow and outflow of the quarter, and the exits by reason.
        Assert.True(quarter.UnemploymentInflow > 0 && quarter.UnemploymentOutflow > 0, "the fixture has registrations made and cancelled in the quarter");
        Assert.Equal((quarter.UnemploymentInflow, quarter.UnemploymentOutflow), (cells[("unemployment_inflow", "quarter")], cells[("unemployment_outflow", "quarter")]));
        Assert.Equal((quarter.UnemploymentInflowOnline, quarter.UnemploymentInflow - quarter.UnemploymentInflowOnline),
            (cells[("unemployment_inflow_online", "quarter")], cells[("unemployment_inflow_local", "quarter")]));
        Assert.Equal(quarter.ExitReasons.Select(r => (r.Reason, r.Registrations)), quarter.ExitReasons.Select(r => (r.Reason, cells[("exit_reason", r.Reason)])));
        Assert.Equal(quarter.UnemploymentOutflow, quarter.ExitReasons.Sum(r => r.Registrations));
        Assert.Contains(quarter.ManifestDigest, text, StringComparison.Ordinal);
        // By county: each county's own figures; together the city's.
        var counties = cells.Keys.Where(k => k.Item1 == "registered_unemployed" && k.Item2.Length == 6 && k.Item2.All(char.IsAsciiDigit)).Select(k => k.Item2).ToList();
        Assert.True(counties.Count >= 5, $"counties: {string.Join(", ", counties)}");
        var county = await client.GetIndicatorsAsync("2026-10-31", "2026-07-01", "2026-09-30", counties[0], 0, false);
        Assert.Equal(county.RegisteredUnemployed, cells[("registered_unemployed", counties[0])]);
        Assert.Equal(quarter.NewUrbanEmployment, counties.Sum(c => cells[("new_urban_employment", c)]));
        // Eight quarters, oldest first.
        Assert.Equal(["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"],
            Regex.Matches(text, "data-quarter=\"(\\w+)\"").Select(m => m.Groups[1].Value));
        // Enterprise monitoring, the quarter's three months.
        var september = await client.GetEnterpriseSummaryAsync("2026-09", "2026-10-31");
        Assert.Equal((september.Total.Enterprises, september.Total.Current), (cells[("enterprises", "2026-09")], cells[("current", "2026-09")]));
        Assert.Equal(3, Regex.Count(text, "<svg"));
        // Ids are unique in the document (three inline charts: their clip paths must not collide).
        var ids = Regex.Matches(text, "id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());

        // The spreadsheet: the same figures, as numbers.
        var headline = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "主要指标").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(quarter.NewUrbanEmployment, Convert.ToInt64(headline[0]["本季度"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(quarter.RegisteredUnemployed, Convert.ToInt64(headline[3]["本季度"], System.Globalization.CultureInfo.InvariantCulture));
        var flows = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "失业登记流入流出").Cast<IDictionary<string, object>>().Select(r => (string)r["项目"]).ToList();
        Assert.All(flows, item => Assert.DoesNotMatch("[a-z]", item));
        var monitoring = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "企业用工监测").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["2026-07", "2026-08", "2026-09"], monitoring.Select(r => (string)r["月份"]));

        // Debian's Chromium loads it headless: the DOM holds the title and the charts, no page error, and a picture.
        var chromium = Peers.Chromium;
        string[] headless = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"];
        await using (var dump = ExternalProcess.Start(chromium, [.. headless, "--dump-dom", new Uri(html).AbsoluteUri], directory.Path))
        {
            Assert.Equal(0, await dump.WaitForExitAsync(TimeSpan.FromMinutes(2)));
            Assert.Contains("id=\"title\"", dump.Output, StringComparison.Ordinal);
            Assert.Contains("<svg", dump.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Uncaught", dump.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(":CONSOLE(", dump.Output, StringComparison.Ordinal);
        }
        var png = directory.File("report.png");
        await using (var shot = ExternalProcess.Start(chromium, [.. headless, "--window-size=1200,2400", $"--screenshot={png}", new Uri(html).AbsoluteUri], directory.Path))
        {
            Assert.Equal(0, await shot.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }
        var bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.True(bytes.Length > 20_000, $"the screenshot is only {bytes.Length} bytes");
    }

    [Fact]
    public async Task Report_WithTheCitysOwnEmployedTotal_ShowsANonZeroRate_InChineseByDefault_EnglishOnRequest()
    {
        using var directory = new TempDirectory();
        var html = directory.File("report.html");
        // The fixture city's 2,000 persons as its employed total: a realistic rate for its size.
        var (exitCode, output) = await FedctlProcess.RunAsync(city.Node, "report", "--quarter", "2026Q3", "--employed-total", "2000", "--out", html);
        Assert.True(exitCode == 0, output);
        var text = await File.ReadAllTextAsync(html);
        using var client = Exchange.Tree.Client(city.Node);
        var quarter = await client.GetIndicatorsAsync("2026-10-31", "2026-07-01", "2026-09-30", null, 2000, false);
        var rate = decimal.Parse(quarter.RegisteredUnemploymentRate, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rate > 0m, $"R-14 is {quarter.RegisteredUnemploymentRate}");
        Assert.Contains($"data-value=\"{quarter.RegisteredUnemploymentRate}\">{quarter.RegisteredUnemploymentRate} %</td>", text, StringComparison.Ordinal);
        Assert.Contains("从业人员总数 2,000（统计部门）", text, StringComparison.Ordinal);
        AssertChineseCaptions(text);
        AssertLegendsDoNotOverlap(text);

        var english = directory.File("report-en.html");
        (exitCode, output) = await FedctlProcess.RunAsync(city.Node, "report", "--quarter", "2026Q3", "--employed-total", "2000", "--lang", "en", "--out", english);
        Assert.True(exitCode == 0, output);
        var englishText = await File.ReadAllTextAsync(english);
        Assert.Contains("Registered unemployed at the quarter's end by area, ranked.", englishText, StringComparison.Ordinal);
        Assert.Contains("employed total 2,000 (statistics bureau)", englishText, StringComparison.Ordinal);
        AssertLegendsDoNotOverlap(englishText);
    }

    // The captions and notes a Chinese reader sees: Chinese, none of the English ones.
    private static void AssertChineseCaptions(string text)
    {
        Assert.Contains("季度末登记失业人员，按地区由多到少排列。", text, StringComparison.Ordinal);
        Assert.Contains("各季度城镇新增就业人数及季度末登记失业人数。", text, StringComparison.Ordinal);
        Assert.Contains("以上数据均取自文首所列封存期", text, StringComparison.Ordinal);
        Assert.Contains("数据来自封存期", text, StringComparison.Ordinal);
        foreach (var english in (string[])["Registered unemployed at the quarter's end", "New urban employment in the quarter", "Head count change against the baseline",
            "Figures from the sealed period", "from sealed period", "generated ", "employed total", "give --employed-total"])
        {
            Assert.DoesNotContain(english, text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Parses every SVG in the report and checks that no legend item's box (its marker and its
    /// label's extent: a CJK character about the font size wide, others 0.6 of it) overlaps another's.
    /// </summary>
    private static void AssertLegendsDoNotOverlap(string text)
    {
        var legends = 0;
        foreach (Match svg in Regex.Matches(text, "<svg[\\s\\S]*?</svg>"))
        {
            var root = System.Xml.Linq.XElement.Parse(svg.Value);
            var width = Number(root.Attribute("width")!.Value);
            var boxes = new List<(string Label, double Left, double Top, double Right, double Bottom)>();
            foreach (var item in root.Descendants().Where(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "legend-item"))
            {
                var rect = item.Elements().Single(e => e.Name.LocalName == "rect");
                var label = item.Elements().Single(e => e.Name.LocalName == "text");
                var (rx, ry, rw, rh) = (Number(rect.Attribute("x")!.Value), Number(rect.Attribute("y")!.Value), Number(rect.Attribute("width")!.Value), Number(rect.Attribute("height")!.Value));
                var (tx, ty, size) = (Number(label.Attribute("x")!.Value), Number(label.Attribute("y")!.Value), Number(label.Attribute("font-size")!.Value));
                var extent = label.Value.Sum(c => c >= '\u2E80' ? size : 0.6 * size);
                var box = (label.Value, Math.Min(rx, tx), Math.Min(ry, ty - size), Math.Max(rx + rw, tx + extent), Math.Max(ry + rh, ty));
                Assert.True(box.Item2 >= 0 && box.Item4 <= width, $"legend item \"{label.Value}\" ({box.Item2:0.#}–{box.Item4:0.#}) is outside the chart's width {width}");
                foreach (var other in boxes)
                {
                    var overlaps = box.Item2 < other.Right && other.Left < box.Item4 && box.Item3 < other.Bottom && other.Top < box.Item5;
                    Assert.False(overlaps, $"legend item \"{label.Value}\" (x {box.Item2:0.#}–{box.Item4:0.#}) overlaps \"{other.Label}\" (x {other.Left:0.#}–{other.Right:0.#})");
                }
                boxes.Add(box);
            }
            legends += boxes.Count;
        }
        Assert.True(legends >= 2, "the trend chart's legend names its two series");
    }

    private static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Report_OfAQuarterNotYetSealed_IsRefusedSayingWhy()
    {
        var (exitCode, output) = await FedctlProcess.RunAsync(city.Node, "report", "--quarter", "2026Q4");

        Assert.Equal(1, exitCode);
        Assert.Contains("city-440100's latest sealed period is 2026-10-31; 2026Q4 ends 2026-12-31, so it is not complete yet", output, StringComparison.Ordinal);
        var (usage, message) = await FedctlProcess.RunAsync(city.Node, "report", "--quarter", "2026-3");
        Assert.Equal(2, usage);
        Assert.Contains("'2026-3' is not a quarter; write it like 2026Q3.", message, StringComparison.Ordinal);
    }

    /// <summary>A city node with 2,000 persons and 120 monitored enterprises, sealed as of 2026-10-31.</summary>
    public sealed class MonitoredCity : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();

        public NodeProcess Node { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var export = Path.Combine(_directory.Path, "export");
            ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 2000, Seed = 5 }, export);
            EnterpriseGenerator.Generate(new EnterpriseOptions { CityCode = "440100", Enterprises = 120, Seed = 5 }, export);
            var config = await NodeProcess.WriteConfigAsync(_directory.Path, "city-440100", "city", "440100");
            await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", config, export, "--seal", "2026-10-31"]))
            {
                if (await ingest.WaitForExitAsync(TimeSpan.FromMinutes(3)) != 0)
                {
                    throw new InvalidOperationException($"ingest failed:\n{ingest.Output}");
                }
            }
            Node = await NodeProcess.StartAsync(config, "city-440100");
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            _directory.Dispose();
        }
    }
}
