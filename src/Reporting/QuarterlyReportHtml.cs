using System.Globalization;
using System.Net;
using System.Text;
using Federation.Protocol.V1;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Federation.Reporting;

/// <summary>
/// The quarterly employment-situation and data-analysis report (就业形势和数据分析报告, seed 001
/// §三(二)) as one self-contained HTML file: tables, and charts as inline SVG drawn by OxyPlot
/// (OxyPlot.Core's SvgExporter: a maintained, MIT-licensed plotting library that writes SVG
/// without any native renderer — ScottPlot's SVG needs SkiaSharp's native library). No script,
/// no external resource: it opens anywhere and prints as it shows. Every figure cell carries its
/// raw value in <c>data-value</c>, so the tables can be checked against GetIndicators.
/// </summary>
internal static class QuarterlyReportHtml
{
    private static readonly (string Key, string Chinese, Func<Indicators, long> Value)[] Indicators =
    [
        ("new_urban_employment", "城镇新增就业 (R-10)", i => i.NewUrbanEmployment),
        ("reemployed_unemployed", "失业人员再就业 (R-11)", i => i.ReemployedUnemployed),
        ("hard_to_employ_employed", "就业困难人员就业 (R-12)", i => i.HardToEmployEmployed),
        ("registered_unemployed", "登记失业人员 (R-13)", i => i.RegisteredUnemployed),
    ];

    /// <summary>
    /// The report in Chinese (its readers' language), or with <paramref name="english"/> its captions
    /// and notes in English (the indicator names and table headings stay the official Chinese ones).
    /// </summary>
    public static string Render(QuarterlyReportData data, bool english = false)
    {
        string T(string chinese, string inEnglish) => english ? inEnglish : chinese;
        var html = new StringBuilder();
        var title = $"{data.DivisionName}{data.Quarter.Chinese}就业形势和数据分析报告";
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>{E(title)}</title>
            <style>
            body {"{"} font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; margin: 2em auto; max-width: 60em; color: #222; {"}"}
            h1 {"{"} font-size: 1.6em; {"}"} h2 {"{"} font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; {"}"}
            table {"{"} border-collapse: collapse; margin: 1em 0; {"}"} th, td {"{"} border: 1px solid #bbb; padding: .3em .6em; {"}"}
            td.n {"{"} text-align: right; font-variant-numeric: tabular-nums; {"}"} .note {"{"} color: #666; font-size: .9em; {"}"}
            </style></head><body><main>
            <h1 id="title">{E(title)}</h1>
            <p class="note">{E(data.NodeId)} · {E(data.Division)} {E(data.DivisionName)} · {E(data.Quarter.ToString())} ({Iso(data.Quarter.First)} … {Iso(data.Quarter.Last)}) ·
            {T("数据来自封存期", "from sealed period")} {E(data.Period)}{T("，摘要", ", digest")} <code>{E(data.Digest)}</code> · {T("生成于", "generated")} {data.GeneratedAt:yyyy-MM-dd HH:mm zzz}</p>

            """);

        // 1. The quarter, the year to date, the same quarter last year.
        var lastYear = data.SameQuarterLastYear;
        html.Append("<h2>一、主要指标</h2>\n<table id=\"headline\"><tr><th>指标</th><th>本季度</th><th>年初至本季度末</th><th>上年同期</th><th>同比</th></tr>\n");
        foreach (var (key, chinese, value) in Indicators)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr data-indicator=\"{key}\"><td>{E(chinese)}</td>{Cell(key, "quarter", value(data.QuarterFigures))}{Cell(key, "year_to_date", value(data.YearToDate))}");
            html.Append(lastYear is null ? "<td>—</td><td>—</td>" : Cell(key, "same_quarter_last_year", value(lastYear)) + $"<td class=\"n\">{Change(value(data.QuarterFigures), value(lastYear))}</td>");
            html.Append("</tr>\n");
        }
        var rate = data.QuarterFigures.RegisteredUnemploymentRate;
        var (shown, rateNote) = Rate(rate, data.QuarterFigures.RegisteredUnemployed, data.EmployedTotal, english);
        html.Append(CultureInfo.InvariantCulture, $"<tr data-indicator=\"registered_unemployment_rate\"><td>城镇登记失业率 (R-14)</td><td class=\"n\" data-scope=\"quarter\" data-value=\"{E(rate)}\">{E(shown)}</td><td colspan=\"3\" class=\"note\" id=\"rate-note\">{E(rateNote)}</td></tr>\n</table>\n");

        // Unemployment inflow and outflow, and the exits by reason (R-17).
        var q = data.QuarterFigures;
        html.Append("<h2>失业登记流入与流出</h2>\n<table id=\"flows\"><tr><th>本季度</th><th>人次</th></tr>\n");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>新登记失业（流入）</td>{Cell("unemployment_inflow", "quarter", q.UnemploymentInflow)}</tr>\n");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>　其中：网上申请</td>{Cell("unemployment_inflow_online", "quarter", q.UnemploymentInflowOnline)}</tr>\n");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>　其中：经办机构登记</td>{Cell("unemployment_inflow_local", "quarter", q.UnemploymentInflow - q.UnemploymentInflowOnline)}</tr>\n");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>注销失业登记（流出）</td>{Cell("unemployment_outflow", "quarter", q.UnemploymentOutflow)}</tr>\n");
        foreach (var reason in q.ExitReasons)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>　其中：{E(ExitReasonName(reason.Reason))}</td>{Cell("exit_reason", reason.Reason, reason.Registrations)}</tr>\n");
        }
        html.Append("</table>\n");

        // 2. By area, with ranked bars.
        if (data.Areas.Count > 0)
        {
            html.Append("<h2>二、分地区情况</h2>\n<table id=\"areas\"><tr><th>地区</th>");
            foreach (var (_, chinese, _) in Indicators)
            {
                html.Append(CultureInfo.InvariantCulture, $"<th>{E(chinese)}</th>");
            }
            html.Append("</tr>\n");
            foreach (var area in data.Areas)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr data-area=\"{E(area.Code)}\"><td>{E(area.Code)} {E(area.Name)}</td>");
                foreach (var (key, _, value) in Indicators)
                {
                    html.Append(Cell(key, area.Code, value(area.Figures)));
                }
                html.Append("</tr>\n");
            }
            html.Append("</table>\n");
            var ranked = data.Areas.OrderByDescending(a => a.Figures.RegisteredUnemployed).ThenBy(a => a.Code, StringComparer.Ordinal).ToList();
            html.Append("<figure>").Append(Svg(RankedBars("登记失业人员（季度末）按地区", ranked.Select(a => (a.Name, (double)a.Figures.RegisteredUnemployed)).ToList()), 720, 60 + 28 * ranked.Count))
                .Append(CultureInfo.InvariantCulture, $"<figcaption class=\"note\">{T("季度末登记失业人员，按地区由多到少排列。", "Registered unemployed at the quarter's end by area, ranked.")}</figcaption></figure>\n");
        }

        // 3. The last eight quarters.
        html.Append("<h2>三、近八个季度走势</h2>\n<table id=\"trend\"><tr><th>季度</th>");
        foreach (var (_, chinese, _) in Indicators)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(chinese)}</th>");
        }
        html.Append("</tr>\n");
        foreach (var (quarter, figures) in data.Trend)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr data-quarter=\"{quarter}\"><td>{quarter}</td>");
            foreach (var (key, _, value) in Indicators)
            {
                html.Append(Cell(key, quarter.ToString(), value(figures)));
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n<figure>").Append(TrendChart(data)).Append(CultureInfo.InvariantCulture, $"<figcaption class=\"note\">{T("各季度城镇新增就业人数及季度末登记失业人数。", "New urban employment in the quarter and registered unemployed at its end.")}</figcaption></figure>\n");

        // 4. Enterprise monitoring.
        html.Append("<h2>四、企业用工定点监测</h2>\n");
        if (data.Monitoring.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{T("本封存期内没有监测企业报送本季度各月数据。", "No monitored enterprise reported in the quarter's months in this period.")}</p>\n");
        }
        else
        {
            html.Append("<table id=\"monitoring\"><tr><th>月份</th><th>监测企业</th><th>建档期人数</th><th>调查期人数</th><th>增减</th><th>增减幅度</th><th>减员企业</th><th>预警企业</th></tr>\n");
            foreach (var month in data.Monitoring)
            {
                var t = month.Total;
                html.Append(CultureInfo.InvariantCulture, $"<tr data-month=\"{E(month.Month)}\"><td>{E(month.Month)}</td>{Cell("enterprises", month.Month, t.Enterprises)}{Cell("baseline", month.Month, t.Baseline)}{Cell("current", month.Month, t.Current)}{Cell("change", month.Month, t.Change)}<td class=\"n\">{E(t.ChangePct)} %</td>{Cell("reducing", month.Month, t.ReducingEnterprises)}{Cell("warnings", month.Month, month.EarlyWarnings.Count)}</tr>\n");
            }
            html.Append("</table>\n");
            var last = data.Monitoring[^1];
            var industries = last.ByIndustry.Where(g => g.ChangePct.Length > 0).Select(g => ($"{g.Key} {g.Label}", double.Parse(g.ChangePct, CultureInfo.InvariantCulture)))
                .OrderBy(g => g.Item2).ToList();
            html.Append("<figure>").Append(Svg(RankedBars($"{last.Month} 分行业用工增减幅度 (%)", industries), 720, 60 + 28 * industries.Count))
                .Append(english
                    ? FormattableString.Invariant($"<figcaption class=\"note\">Head count change against the baseline by GB/T 4754 section, {E(last.Month)}; {last.EarlyWarnings.Count} enterprises on the early-warning list.</figcaption></figure>\n")
                    : FormattableString.Invariant($"<figcaption class=\"note\">{E(last.Month)} 各行业门类（GB/T 4754）调查期人数较建档期的增减幅度；{last.EarlyWarnings.Count} 家企业列入预警名单。</figcaption></figure>\n"));
        }
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{T("以上数据均取自文首所列封存期（R-4：封存后不再改变）；同样的数据见本报告的电子表格。", "Figures from the sealed period named above (R-4: it never changes); the same figures are in the report's spreadsheet.")}</p>\n</main></body></html>\n");
        return html.ToString();
    }

    internal static string ExitReasonName(string code) => Federation.Standards.ExitReasons.UnemploymentName(code);

    private static string Cell(string key, string scope, long value) =>
        $"<td class=\"n\" data-key=\"{key}\" data-scope=\"{E(scope)}\" data-value=\"{value.ToString(CultureInfo.InvariantCulture)}\">{value.ToString("N0", CultureInfo.InvariantCulture)}</td>";

    private static string Change(long now, long before) =>
        before == 0 ? "—" : ((now - before) * 100m / before).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>
    /// R-14 as shown, and its note. The node rounds the rate to 2 decimals (DOMAIN R-14): a rate
    /// below 0.005 % would read "0.00 %" although people are registered unemployed, so it is shown
    /// as "&lt; 0.01 %" with the unrounded figure in the note instead.
    /// </summary>
    private static (string Shown, string Note) Rate(string rate, long registeredUnemployed, long employedTotal, bool english)
    {
        if (rate.Length == 0 || employedTotal <= 0)
        {
            return ("—", english ? "give --employed-total for the rate" : "需提供从业人员总数（--employed-total）方可计算失业率");
        }
        var basis = english ? FormattableString.Invariant($"employed total {employedTotal:N0} (statistics bureau)") : FormattableString.Invariant($"从业人员总数 {employedTotal:N0}（统计部门）");
        if (registeredUnemployed > 0 && decimal.Parse(rate, CultureInfo.InvariantCulture) == 0m)
        {
            var exact = registeredUnemployed * 100m / (employedTotal + registeredUnemployed);
            var digits = Math.Max(3, 2 - (int)Math.Floor(Math.Log10((double)exact)));
            var precise = exact.ToString("0." + new string('#', digits), CultureInfo.InvariantCulture);
            return ("< 0.01 %", english
                ? FormattableString.Invariant($"{basis}; {registeredUnemployed:N0} registered unemployed make {precise} %, which rounds to 0.00 % — check the employed total is this area's")
                : FormattableString.Invariant($"{basis}；登记失业 {registeredUnemployed:N0} 人，失业率约 {precise} %，按两位小数修约为 0.00 %——请核对从业人员总数是否为本地区的"));
        }
        return (rate + " %", basis);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // The trend chart's series and their colours (the legend below the chart names them).
    private static readonly (string Title, OxyColor Color, Func<Indicators, long> Value)[] TrendSeries =
    [
        ("城镇新增就业", OxyColor.FromRgb(0x1f, 0x77, 0xb4), i => i.NewUrbanEmployment),
        ("登记失业人员", OxyColor.FromRgb(0xd6, 0x27, 0x28), i => i.RegisteredUnemployed),
    ];

    private const int TrendWidth = 720, TrendHeight = 320, LegendFontSize = 12, LegendMarker = 24, LegendGap = 6, LegendSpacing = 32;

    private static string TrendChart(QuarterlyReportData data)
    {
        // Room below the plot for the legend, which is drawn here rather than by OxyPlot: OxyPlot
        // measures text without the browser's fonts and placed the second marker over the first
        // Chinese label.
        var model = new PlotModel { Title = "近八个季度走势", DefaultFont = "sans-serif", IsLegendVisible = false, Padding = new OxyThickness(8, 8, 8, 8 + 2 * LegendFontSize) };
        var labels = data.Trend.Select(t => t.Quarter.ToString()).ToList();
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Bottom, ItemsSource = labels });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Minimum = 0, MinimumPadding = 0, MaximumPadding = 0.1 });
        foreach (var (title, color, value) in TrendSeries)
        {
            var series = new LineSeries { Title = title, Color = color, MarkerFill = color, MarkerType = MarkerType.Circle };
            for (var i = 0; i < data.Trend.Count; i++)
            {
                series.Points.Add(new DataPoint(i, value(data.Trend[i].Figures)));
            }
            model.Series.Add(series);
        }
        var svg = Svg(model, TrendWidth, TrendHeight);
        var end = svg.LastIndexOf("</svg>", StringComparison.Ordinal);
        return svg[..end] + Legend(TrendSeries.Select(s => (s.Title, s.Color)).ToList(), TrendWidth, TrendHeight - LegendFontSize) + svg[end..];
    }

    /// <summary>
    /// A horizontal legend centred at <paramref name="baseline"/>: each item a colour swatch and
    /// its label, the next item placed after the label's estimated width (a CJK character about
    /// the font size wide, other characters about 0.6 of it), so no item overlaps another.
    /// </summary>
    private static string Legend(List<(string Label, OxyColor Color)> items, int width, int baseline)
    {
        var widths = items.Select(i => LegendMarker + LegendGap + TextWidth(i.Label, LegendFontSize)).ToList();
        var x = (width - (widths.Sum() + LegendSpacing * (items.Count - 1))) / 2;
        var svg = new StringBuilder("<g class=\"legend\">");
        for (var i = 0; i < items.Count; i++)
        {
            var (label, color) = items[i];
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"legend-item\"><rect x=\"{x:0.#}\" y=\"{baseline - LegendFontSize + 2}\" width=\"{LegendMarker}\" height=\"{LegendFontSize - 4}\" fill=\"#{color.R:x2}{color.G:x2}{color.B:x2}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + LegendMarker + LegendGap:0.#}\" y=\"{baseline}\" font-family=\"sans-serif\" font-size=\"{LegendFontSize}\">{E(label)}</text></g>");
            x += widths[i] + LegendSpacing;
        }
        return svg.Append("</g>").ToString();
    }

    /// <summary>A label's estimated width: CJK (and other wide) characters the font size, others 0.6 of it.</summary>
    internal static double TextWidth(string text, double fontSize) =>
        text.Sum(c => c >= '\u2E80' ? fontSize : 0.6 * fontSize);

    private static PlotModel RankedBars(string title, IReadOnlyList<(string Label, double Value)> bars)
    {
        // A fixed left margin for the category labels: OxyPlot measures text without the browser's
        // fonts and would cut Chinese labels.
        var model = new PlotModel { Title = title, DefaultFont = "sans-serif", PlotMargins = new OxyThickness(200, double.NaN, 40, double.NaN) };
        // Horizontal bars: OxyPlot draws the first category at the bottom, so reverse to rank top-down.
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Left, ItemsSource = bars.Select(b => b.Label).Reverse().ToList() });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, MinimumPadding = 0.05, MaximumPadding = 0.1 });
        var series = new BarSeries { LabelFormatString = "{0:0.##}" };
        foreach (var (_, value) in bars.Reverse())
        {
            series.Items.Add(new BarItem(value));
        }
        model.Series.Add(series);
        return model;
    }

    // Each chart's clip paths get ids of their own: OxyPlot numbers them from 1 in every SVG, and
    // the charts share one HTML document, where a second "clipPath1" would clip to the first chart's area.
    private static string Svg(PlotModel model, int width, int height)
    {
        var prefix = $"chart{Interlocked.Increment(ref _charts)}-";
        return SvgExporter.ExportToString(model, width, height, isDocument: false)
            .Replace("id=\"clipPath", $"id=\"{prefix}clipPath", StringComparison.Ordinal)
            .Replace("url(#clipPath", $"url(#{prefix}clipPath", StringComparison.Ordinal);
    }

    private static int _charts;
}
