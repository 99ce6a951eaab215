using System.Globalization;
using Federation.Standards;

namespace Federation.DataGen;

/// <summary>What enterprise monitoring data to generate for one city.</summary>
public sealed class EnterpriseOptions
{
    /// <summary>The monitored city (prefecture, PPCC00); entries are registered in its counties.</summary>
    public string CityCode { get; set; } = "440100";

    /// <summary>Sample entries (a city's sample is 30 … 300; Guangdong's whole target is 10,000).</summary>
    public int Enterprises { get; set; } = 300;

    /// <summary>Months reported, ending with <see cref="LastMonth"/>; every entry joins the month before the first.</summary>
    public int Months { get; set; } = 12;

    /// <summary>The last survey month, YYYY-MM.</summary>
    public string LastMonth { get; set; } = "2026-10";

    /// <summary>The GB/T 4754 division hit by the planted recession: its enterprises shed 15 % a month over the last three months.</summary>
    public string RecessionIndustry { get; set; } = "C39";

    public int Seed { get; set; } = 1;

    /// <summary>Defective rows added (0 … 0.5 of the entries), spread over every defect kind and listed in <c>enterprise-defects.csv</c>.</summary>
    public double DefectRate { get; set; }

    /// <summary>Offset of the generated credit codes' serial part, so that several cities' samples do not collide.</summary>
    public int IdOffset { get; set; }
}

/// <summary>
/// Generates a city's enterprise monitoring export (<c>enterprises.csv</c>, <c>enterprise_reports.csv</c>)
/// as the importer reads it (docs/data.md): a sample within the rules (manufacturing ≤ 40 %, small
/// and medium ≥ 60 %, state-owned ≤ 1/3, no micro), monthly head counts that drift, a planted
/// recession in one industry over the last three months, a few closures (a final report of 0, and
/// the entry's recorded leaving). With a defect rate, defective rows are added — each of a known
/// kind — and listed in <c>enterprise-defects.csv</c> (file, line, kind), so a test can check that
/// exactly those are rejected. The same options give byte-identical files.
/// </summary>
public static class EnterpriseGenerator
{
    private static readonly string[] Manufacturing = ["C13", "C18", "C26", "C34", "C38"];
    private static readonly string[] Services = ["E47", "F51", "F52", "G54", "H61", "H62", "I65", "K70", "L72", "M74", "O80"];
    // Category codes (150 有限责任公司, 170 私营) and sub-types (174) alike, as real samples give them.
    private static readonly string[] PrivateOwnership = ["150", "160", "170", "174", "330", "310"];
    // The import format (docs/data.md, src/Store/Dataset.cs).
    private static readonly string[] EntryColumns =
        ["credit_code", "name", "division", "industry", "size_class", "ownership", "joined_month", "baseline_count", "left_month", "leave_reason", "handling_division", "valid"];
    private static readonly string[] ReportColumns =
        ["report_id", "credit_code", "survey_month", "baseline_month", "baseline_count", "current_count", "change", "change_pct",
         "reduction_type", "reason_1", "reason_2", "reason_3", "contracted", "hired", "separated", "handling_division", "valid"];

    public static GenerationSummary Generate(EnterpriseOptions options, string directory)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Enterprises, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Months, 1);
        if (options.DefectRate is < 0 or > 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"DefectRate is {options.DefectRate}; it must be between 0 and 0.5.");
        }
        if (EnterpriseMonitoring.IndustryProblem(options.RecessionIndustry) is { } problem)
        {
            throw new ArgumentException($"RecessionIndustry {problem}.", nameof(options));
        }
        var city = DivisionTable.Default.Find(options.CityCode);
        var counties = DivisionTable.Default.CountyLevelUnitsOf(options.CityCode).ToArray();
        if (city is null || counties.Length == 0)
        {
            throw new ArgumentException($"'{options.CityCode}' is not a city with county-level units in GB/T 2260.", nameof(options));
        }
        Directory.CreateDirectory(directory);
        var last = DateOnly.ParseExact(options.LastMonth + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var random = new Random(options.Seed);
        var summary = new GenerationSummary();
        using var entries = new CsvFile(directory, "enterprises.csv", EntryColumns);
        using var reports = new CsvFile(directory, "enterprise_reports.csv", ReportColumns);
        using var defects = new CsvFile(directory, "enterprise-defects.csv", ["file", "line", "kind"]);

        var joined = last.AddMonths(-options.Months);
        var joinedMonth = Month(joined);
        // The baseline (建档期) is the end of the month the enterprise joined; it reports from the next.
        var baselineMonth = joinedMonth;
        var serial = options.IdOffset;
        string NewCode()
        {
            var body = "91" + counties[random.Next(counties.Length)] + "MA" + (serial++).ToString("D7", CultureInfo.InvariantCulture);
            return body + CreditCode.CheckCharacter(body);
        }
        (string Code, int Baseline, string County)? steady = null;
        string[]? steadyReport = null;
        var manufacturing = (int)(options.Enterprises * 0.35);
        for (var i = 0; i < options.Enterprises; i++)
        {
            var code = NewCode();
            var county = code.Substring(2, 6);
            // The recession's industry is one in five manufacturers.
            var industry = i < manufacturing ? (i % 5 == 0 ? options.RecessionIndustry : Manufacturing[random.Next(Manufacturing.Length)]) : Services[random.Next(Services.Length)];
            var size = (i % 20) switch { < 3 => "large", < 10 => "medium", _ => "small" };
            var ownership = i % 10 == 5 ? EnterpriseMonitoring.StateOwned : PrivateOwnership[random.Next(PrivateOwnership.Length)];
            var baseline = size switch { "large" => 1000 + random.Next(4000), "medium" => 200 + random.Next(800), _ => 20 + random.Next(180) };
            // One in a hundred closes in some month (not the first); it reports 0 then and leaves.
            var closes = random.Next(100) == 0 && options.Months > 1 ? joined.AddMonths(2 + random.Next(options.Months - 1)) : (DateOnly?)null;
            if (closes is null && steady is null)
            {
                steady = (code, baseline, county);
            }
            entries.Write(code, $"监测企业{serial:D5}", county, industry, size, ownership, joinedMonth, Count(baseline),
                closes is { } c ? Month(c) : "", closes is null ? "" : "closure", county, "1");
            var current = baseline;
            for (var m = 1; m <= options.Months; m++)
            {
                var month = joined.AddMonths(m);
                var recession = industry == options.RecessionIndustry && m > options.Months - 3;
                var closing = closes == month;
                current = closing ? 0
                    : recession ? (int)(current * 0.85)
                    : Math.Max(1, current + (int)Math.Round(current * (random.NextDouble() * 0.04 - 0.02)));
                var reduction = current < baseline;
                var type = !reduction ? "" : closing ? "closure" : recession ? "economic_layoff" : random.Next(3) switch { 0 => "suspension", 1 => "economic_layoff", _ => "other" };
                string[] reasons = !reduction ? [] : recession ? ["04", "01"] : closing ? ["08"] : [random.Next(2) == 0 ? "04" : "06"];
                var report = Report(code, Month(month), baselineMonth, baseline, current, type, reasons, county);
                reports.Write(report);
                if (steady?.Code == code && steadyReport is null)
                {
                    steadyReport = report;
                }
                summary.Rows["enterprise_reports.csv"] = summary.Rows.GetValueOrDefault("enterprise_reports.csv") + 1;
                if (closing)
                {
                    break;
                }
            }
            summary.Rows["enterprises.csv"] = summary.Rows.GetValueOrDefault("enterprises.csv") + 1;
        }

        // Defects: extra rows, each wrong in one known way; defective entries get no reports.
        var defectCount = (int)Math.Round(options.Enterprises * options.DefectRate);
        string[] kinds = ["industry_section_mismatch", "micro_enterprise", "leave_without_reason", "report_before_joining", "reduction_without_type", "wrong_change", "unknown_enterprise", "repeated_reason", "duplicate_row"];
        var firstEntry = DateOnly.ParseExact(joinedMonth + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        for (var d = 0; d < defectCount; d++)
        {
            var kind = kinds[d % kinds.Length];
            var code = NewCode();
            var county = code.Substring(2, 6);
            long line;
            switch (kind)
            {
                case "industry_section_mismatch":
                    line = entries.Write(code, "缺陷企业", county, "C05", "small", "173", joinedMonth, "50", "", "", county, "1");
                    break;
                case "micro_enterprise":
                    line = entries.Write(code, "缺陷企业", county, "F52", "micro", "173", joinedMonth, "8", "", "", county, "1");
                    break;
                case "leave_without_reason":
                    line = entries.Write(code, "缺陷企业", county, "F52", "small", "173", joinedMonth, "50", Month(firstEntry.AddMonths(2)), "", county, "1");
                    break;
                default:
                    // A report of a valid entry (the first generated), wrong in one way.
                    // A report of an entry that stays in the sample, wrong in one way (a rejected row
                    // never replaces the good report of the same month).
                    var (entryCode, entryBaseline, entryCounty) = steady ?? throw new InvalidOperationException("Every generated entry closed; generate more enterprises.");
                    line = kind switch
                    {
                        "report_before_joining" => reports.Write(Report(entryCode, joinedMonth, baselineMonth, entryBaseline, entryBaseline, "", [], entryCounty)),
                        "reduction_without_type" => reports.Write(Report(entryCode, Month(last), baselineMonth, entryBaseline, entryBaseline - 1, "", [], entryCounty)),
                        "wrong_change" => reports.Write(WithChange(Report(entryCode, Month(last), baselineMonth, entryBaseline, entryBaseline, "", [], entryCounty), "7")),
                        "unknown_enterprise" => reports.Write(Report(code, Month(last), baselineMonth, 100, 100, "", [], county)),
                        // The same report twice in one export: the second row is listed as a duplicate.
                        "duplicate_row" => reports.Write(steadyReport!),
                        _ => reports.Write(Report(entryCode, Month(last), baselineMonth, entryBaseline, entryBaseline - 1, "other", ["04", "04"], entryCounty)),
                    };
                    break;
            }
            var file = kind is "industry_section_mismatch" or "micro_enterprise" or "leave_without_reason" ? entries.Name : reports.Name;
            defects.Write(file, line.ToString(CultureInfo.InvariantCulture), kind);
            summary.Rows[file] = summary.Rows.GetValueOrDefault(file) + 1;
            summary.DefectsByKind[kind] = summary.DefectsByKind.GetValueOrDefault(kind) + 1;
            summary.Defects++;
        }
        return summary;
    }

    private static string[] Report(string code, string month, string baselineMonth, int baseline, int current, string type, string[] reasons, string county) =>
        [$"{code}-{month}", code, month, baselineMonth, Count(baseline), Count(current), Count(current - baseline), "", type,
         reasons.ElementAtOrDefault(0) ?? "", reasons.ElementAtOrDefault(1) ?? "", reasons.ElementAtOrDefault(2) ?? "",
         Count((int)(current * 0.9)), Count(current / 50), Count(Math.Max(0, baseline - current) + current / 60), county, "1"];

    private static string[] WithChange(string[] report, string change)
    {
        report[Array.IndexOf(ReportColumns, "change")] = change;
        return report;
    }

    private static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
