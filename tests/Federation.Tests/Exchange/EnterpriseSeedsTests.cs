using Federation.Standards;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// Enterprise monitoring as DOMAIN.md's corrected reading means it (issue 21 items 6–8), through a
/// real city node: a sample and its reports uploaded over the Ingest RPC as an interface program
/// does, sealed, then the node's summary and rejects report read back. The baseline is the end of
/// the month the enterprise joined; the 16 registration types of 国统字〔1998〕200号 (140 联营, 150
/// 有限责任公司 and 170 私营 among them) and their sub-types are accepted and counted; a second
/// identical report row in one export is listed as a duplicate, while the same report in a later
/// export changes nothing (docs/data.md).
/// </summary>
public sealed class EnterpriseSeedsTests
{
    private const string Joined = "2025-12";
    private const string Month = "2026-10";

    // Each test fails on the code before issue 21 for its own rule alone: the baseline and duplicate
    // tests use registration types that code accepted too (160, 173).
    [Fact]
    public async Task TheBaseline_IsTheEndOfTheMonthJoined()
    {
        using var directory = new TempDirectory();
        await using var city = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        using var client = Tree.Client(city);
        var joinedMonth = Code(1);
        var monthBefore = Code(2);
        var export = Export(directory, "export",
            [Entry(joinedMonth, "160", 120), Entry(monthBefore, "160", 80)],
            [Report(joinedMonth, Joined, 120, 110, "other", "04"), Report(monthBefore, "2025-11", 80, 80)]);

        var result = await client.UploadAsync([export], Tree.Period);

        // Chosen and baselined by the end of December, first survey month January: the report naming
        // December is taken; one naming November (the month before joining) is refused, saying why.
        var reject = Assert.Single(result.FirstRejects);
        Assert.Equal(("enterprise_reports.csv", 3L, "baseline_month"), (reject.File, reject.Line, reject.Field));
        Assert.Contains($"the baseline (建档期) is the end of the month the enterprise joined: {Joined}", reject.Reason, StringComparison.Ordinal);
        var summary = await client.GetEnterpriseSummaryAsync(Month);
        Assert.Equal((1L, 120L, 110L, -10L, "-8.33"), (summary.Total.Enterprises, summary.Total.Baseline, summary.Total.Current, summary.Total.Change, summary.Total.ChangePct));
    }

    [Fact]
    public async Task TheSixteenRegistrationTypes_AndTheirSubTypes_AreAcceptedAndCounted()
    {
        using var directory = new TempDirectory();
        await using var city = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        using var client = Tree.Client(city);
        // The 16 categories of art. 2 (110 … 340, 140 联营, 150 有限责任公司 and 170 私营 among them),
        // and sub-types of 140, 150 and 170 as real samples also give them.
        string[] types = ["110", "120", "130", "140", "150", "160", "170", "190", "210", "220", "230", "240", "310", "320", "330", "340", "141", "149", "151", "159", "171", "174"];
        var codes = types.Select((_, i) => Code(10 + i)).ToArray();
        var export = Export(directory, "export",
            [.. types.Select((type, i) => Entry(codes[i], type, 100 + i))],
            [.. types.Select((_, i) => Report(codes[i], Joined, 100 + i, 100 + i))]);

        var result = await client.UploadAsync([export], Tree.Period);

        Assert.True(result.Rejected == 0, string.Join("; ", result.FirstRejects.Select(r => $"{r.File}:{r.Line} {r.Field} {r.Reason}")));
        var summary = await client.GetEnterpriseSummaryAsync(Month);
        Assert.Equal(((long)types.Length, types.Select((_, i) => 100L + i).Sum()), (summary.Total.Enterprises, summary.Total.Baseline));
    }

    [Fact]
    public async Task ASecondIdenticalRowInOneExport_IsListedAsADuplicate_AndALaterExportChangesNothing()
    {
        using var directory = new TempDirectory();
        await using var city = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        using var client = Tree.Client(city);
        var first = Code(40);
        var second = Code(41);
        string[][] reports = [Report(first, Joined, 200, 150, "economic_layoff", "04"), Report(second, Joined, 60, 60), Report(first, Joined, 200, 150, "economic_layoff", "04")];
        var export = Export(directory, "export", [Entry(first, "160", 200), Entry(second, "173", 60)], reports);

        var result = await client.UploadAsync([export], Tree.Period);

        var duplicate = Assert.Single(result.FirstRejects);
        Assert.Equal(("enterprise_reports.csv", 4L, "report_id"), (duplicate.File, duplicate.Line, duplicate.Field));
        Assert.Equal("duplicate row: the same report as enterprise_reports.csv line 2; an export lists each report once", duplicate.Reason);
        var rejectsReport = await File.ReadAllLinesAsync(result.RejectsReport);
        Assert.Contains(rejectsReport, line => line.StartsWith("enterprise_reports.csv,4,", StringComparison.Ordinal) && line.Contains("duplicate row", StringComparison.Ordinal));
        var summary = await client.GetEnterpriseSummaryAsync(Month);
        Assert.Equal((2L, 1L, 50L), (summary.Total.Enterprises, summary.Total.ReducingEnterprises, summary.Total.PeopleReduced));

        // The same reports delivered again by a later export: nothing rejected, nothing changed.
        var later = Export(directory, "later", [], reports[..2]);
        var again = await client.UploadAsync([later]);
        Assert.Equal((0L, 0L, 2L), (again.Rejected, again.Changed, again.Read));
    }

    // A GB 32100 credit code of a Guangzhou (440106) enterprise.
    private static string Code(int serial)
    {
        var body = $"91440106MA{serial:D7}";
        return body + CreditCode.CheckCharacter(body);
    }

    private static string[] Entry(string code, string ownership, int baseline) =>
        [code, "监测企业" + code[^4..], "440106", "F52", "small", ownership, Joined, baseline.ToString(System.Globalization.CultureInfo.InvariantCulture), "", "", "440106", "1"];

    private static string[] Report(string code, string baselineMonth, int baseline, int current, string reductionType = "", string reason = "") =>
        [$"{code}-{Month}", code, Month, baselineMonth, Count(baseline), Count(current), "", "", reductionType, reason, "", "", Count(current), "0", Count(baseline - current), "440106", "1"];

    private static string Count(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Export(TempDirectory directory, string name, string[][] entries, string[][] reports)
    {
        var path = Directory.CreateDirectory(directory.File(name)).FullName;
        if (entries.Length > 0)
        {
            File.WriteAllLines(Path.Combine(path, "enterprises.csv"),
                ["credit_code,name,division,industry,size_class,ownership,joined_month,baseline_count,left_month,leave_reason,handling_division,valid", .. entries.Select(e => string.Join(',', e))]);
        }
        File.WriteAllLines(Path.Combine(path, "enterprise_reports.csv"),
            ["report_id,credit_code,survey_month,baseline_month,baseline_count,current_count,change,change_pct,reduction_type,reason_1,reason_2,reason_3,contracted,hired,separated,handling_division,valid",
             .. reports.Select(r => string.Join(',', r))]);
        return path;
    }
}
