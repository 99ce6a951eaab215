using Federation.Node.Monitoring;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Testing;
using Xunit;

namespace Federation.Node.Tests.Monitoring;

/// <summary>
/// Enterprise monitoring's summary at a province, from its merged period of two cities' samples,
/// against figures worked by hand (the comments show the arithmetic).
/// </summary>
public sealed class EnterpriseSummaryTests : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 5, 8, 0, 0, TimeSpan.FromHours(8));
    private readonly TempDirectory _directory = new();
    private readonly List<SqliteStore> _stores = [];
    private readonly SqliteStore _province;

    private static readonly string E1 = Ingest.EnterpriseImportTests.Code(1);
    private static readonly string E2 = Ingest.EnterpriseImportTests.Code(2);
    private static readonly string E3 = Ingest.EnterpriseImportTests.Code(3);
    private static readonly string E4 = Ingest.EnterpriseImportTests.Code(4);
    private static readonly string E5 = Ingest.EnterpriseImportTests.Code(5);

    public EnterpriseSummaryTests()
    {
        // Guangzhou: E1 manufacturing 800 → 699 (economic layoff; reasons 04, 06; it had 810 in
        // September), E2 wholesale 100 → 100, E3 manufacturing 60 → 5 (suspension; 08).
        var guangzhou = City("city-440100", "440106",
            [Entry(E1, "C13", "2026-06", 800, "440106"), Entry(E2, "F51", "2026-06", 100, "440106"), Entry(E3, "C14", "2026-06", 60, "440106")],
            [Report(E1, "2026-09", "2026-05", 800, 810, "", "440106"), Report(E1, "2026-10", "2026-05", 800, 699, "economic_layoff", "440106", "04", "06"),
             Report(E2, "2026-10", "2026-05", 100, 100, "", "440106"), Report(E3, "2026-10", "2026-05", 60, 5, "suspension", "440106", "08")]);
        // Shenzhen: E4 manufacturing 1000 → 950 (other; 04; 1020 in October 2025), E5 software 300 → 280 (moved out; 01, 04).
        var shenzhen = City("city-440300", "440304",
            [Entry(E4, "C13", "2025-06", 1000, "440304"), Entry(E5, "I65", "2026-06", 300, "440304")],
            [Report(E4, "2025-10", "2025-05", 1000, 1020, "", "440304"), Report(E4, "2026-10", "2025-05", 1000, 950, "other", "440304", "04"),
             Report(E5, "2026-10", "2026-05", 300, 280, "moved_out", "440304", "01", "04")]);
        _province = Open("province-440000");
        var sources = new[] { guangzhou, shenzhen }.Select(city => SnapshotTransfer.Transfer(city, city.OwnerId, _province, October, Now, batch: 100)).ToList();
        _province.Periods.Seal(October, Now, sources);
    }

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        _directory.Dispose();
    }

    private SqliteStore Open(string id)
    {
        var store = SqliteStore.Open(new StoreOptions { Path = _directory.File(id + ".db"), NodeId = id });
        _stores.Add(store);
        return store;
    }

    private SqliteStore City(string id, string division, string[][] entries, string[][] reports)
    {
        var store = Open(id);
        using (var staging = store.Staging.BeginStaging())
        {
            foreach (var entry in entries)
            {
                staging.Upsert(Dataset.Enterprises, entry);
            }
            foreach (var report in reports)
            {
                staging.Upsert(Dataset.EnterpriseReports, report);
            }
            staging.Commit();
        }
        store.Periods.Seal(October, Now);
        return store;
    }

    private static string[] Entry(string code, string industry, string joined, int baseline, string division) =>
        [code, "企业" + code[^4..], division, industry, "medium", "173", joined, baseline.ToString(System.Globalization.CultureInfo.InvariantCulture), "", "", division, "1"];

    private static string[] Report(string code, string month, string baselineMonth, int baseline, int current, string type, string division, params string[] reasons)
    {
        var change = current - baseline;
        return [$"{code}-{month}", code, month, baselineMonth, $"{baseline}", $"{current}", $"{change}", "", type,
            reasons.ElementAtOrDefault(0) ?? "", reasons.ElementAtOrDefault(1) ?? "", reasons.ElementAtOrDefault(2) ?? "", "0", "0", "0", division, "1"];
    }

    private EnterpriseSummaryFigures Summary(int percent = 10, long people = 50) =>
        new EnterpriseSummaryCalculator(_province.IndicatorQueries).Compute(October, "2026-10", percent, people);

    [Fact]
    public void Total_IsTheSumOfTheCities_WithThePercentFromTheTotals()
    {
        var total = Summary().Total;

        // baseline 800 + 100 + 60 + 1000 + 300 = 2260; current 699 + 100 + 5 + 950 + 280 = 2034.
        Assert.Equal((5L, 2260L, 2034L, -226L), (total.Enterprises, total.Baseline, total.Current, total.Change));
        Assert.Equal(-10.00m, total.ChangePercent); // −226 / 2260 × 100
        // Reducing: E1 101, E3 55, E4 50, E5 20.
        Assert.Equal((4L, 226L), (total.ReducingEnterprises, total.PeopleReduced));
        Assert.Equal([("suspension", 1L, 55L), ("economic_layoff", 1L, 101L), ("moved_out", 1L, 20L), ("other", 1L, 50L)], total.ByType);
        Assert.Equal([("04", 3L), ("01", 1L), ("06", 1L), ("08", 1L)], total.Reasons);
        // September: only E1 reported (810); October 2025: only E4 (1020).
        Assert.Equal(new MonthTotals("2026-09", 1, 800, 810), total.PreviousMonth);
        Assert.Equal(new MonthTotals("2025-10", 1, 1000, 1020), total.SameMonthLastYear);
    }

    [Fact]
    public void ByCity_AndByIndustry_AreGroupedFromTheMergedPeriod()
    {
        var summary = Summary();

        Assert.Equal(
            [("city-440100", "440100 广州市", 3L, 960L, 804L, -16.25m), ("city-440300", "440300 深圳市", 2L, 1300L, 1230L, -5.38m)],
            summary.ByCity.Select(g => (g.Key, g.Label, g.Enterprises, g.Baseline, g.Current, g.ChangePercent!.Value)));
        // C: 800 + 60 + 1000 = 1860 → 699 + 5 + 950 = 1654, −206 / 1860 = −11.075… → −11.08.
        Assert.Equal(
            [("C", "制造业", 1860L, 1654L, (decimal?)-11.08m), ("F", "批发和零售业", 100L, 100L, 0.00m), ("I", "信息传输、软件和信息技术服务业", 300L, 280L, -6.67m)],
            summary.ByIndustry.Select(g => (g.Key, g.Label, g.Baseline, g.Current, g.ChangePercent)));
        Assert.Null(summary.ByCity[1].PreviousMonth);
        Assert.Equal(new MonthTotals("2025-10", 1, 1000, 1020), summary.ByCity[1].SameMonthLastYear);
    }

    [Fact]
    public void EarlyWarnings_UseExactInclusiveBounds_LargestReductionFirst()
    {
        // 10 % or 50 people: E1 101 (12.6 %), E3 55 (91.7 %), E4 exactly 50 people (5 %); E5 20 (6.7 %) does not warn.
        Assert.Equal([E1, E3, E4], Summary().EarlyWarnings.Select(w => w.Report.CreditCode));
        // 12 % or 60 people: E4 no longer.
        Assert.Equal([E1, E3], Summary(12, 60).EarlyWarnings.Select(w => w.Report.CreditCode));
        // 5 % exactly: E4 50 × 100 = 5 × 1000 — inclusive; E5 2000 ≥ 1500.
        Assert.Equal([E1, E3, E4, E5], Summary(5, 1000).EarlyWarnings.Select(w => w.Report.CreditCode));
    }

    [Fact]
    public void AMonthWithoutReports_IsEmpty_NotImputed()
    {
        var summary = new EnterpriseSummaryCalculator(_province.IndicatorQueries).Compute(October, "2026-08", 10, 50);

        Assert.Equal((0L, 0L, (decimal?)null), (summary.Total.Enterprises, summary.Total.Baseline, summary.Total.ChangePercent));
        Assert.Empty(summary.ByCity);
        Assert.Null(summary.Total.PreviousMonth);
    }
}
