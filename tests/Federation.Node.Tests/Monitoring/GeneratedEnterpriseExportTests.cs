using Federation.DataGen;
using Federation.Node.Ingest;
using Federation.Node.Monitoring;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Federation.Node.Tests.Monitoring;

/// <summary>A generated enterprise monitoring export: exactly the defective rows are rejected, and the planted recession shows.</summary>
public sealed class GeneratedEnterpriseExportTests : IDisposable
{
    private static readonly DateTimeOffset SealedAt = new(2026, 12, 1, 8, 0, 0, TimeSpan.FromHours(8));
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static ImportResult Import(SqliteStore store, string export, string rejects)
    {
        var validator = new RecordValidator(DivisionTable.Default.JurisdictionOf("440100"), DivisionTable.Default, new DateOnly(2026, 11, 20));
        return new Importer(store.Staging, validator, NullLogger.Instance).ImportAsync(Importer.Plan([export]), rejects, null, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Fact]
    public void GeneratedSample_RejectsExactlyTheDefects_AndTheRecessionIndustryIsWarnedOf()
    {
        var export = Path.Combine(_directory.Path, "export");
        var summary = EnterpriseGenerator.Generate(new EnterpriseOptions { CityCode = "440100", Enterprises = 200, Seed = 3, DefectRate = 0.08 }, export);
        Assert.Equal(9, summary.DefectsByKind.Count);
        Assert.True(summary.DefectsByKind["duplicate_row"] > 0);

        using var store = SqliteStore.Open(new StoreOptions { Path = _directory.File("city.db"), NodeId = "city-440100" });
        var result = Import(store, export, _directory.File("rejects.csv"));

        static HashSet<string> FileAndLine(string path) => [.. File.ReadAllLines(path).Skip(1).Select(l => string.Join(',', l.Split(',').Take(2)))];
        var defects = FileAndLine(Path.Combine(export, "enterprise-defects.csv"));
        var rejected = FileAndLine(_directory.File("rejects.csv"));
        Assert.Equal(summary.Defects, defects.Count);
        Assert.Equal(defects.Order(StringComparer.Ordinal), rejected.Order(StringComparer.Ordinal));
        Assert.Equal(summary.TotalRows - summary.Defects, result.Accepted);
        // The form's 16 types: category codes 150 有限责任公司 and 170 私营 are accepted like the sub-types.
        var ownership = store.ReadStaged(Dataset.Enterprises).Select(e => e[5]).ToHashSet();
        Assert.Superset(new HashSet<string> { "150", "170", "174" }, ownership);
        Assert.Contains(File.ReadAllLines(_directory.File("rejects.csv")), l => l.Contains("duplicate row: the same report as enterprise_reports.csv line", StringComparison.Ordinal));

        var period = store.Periods.Seal(new DateOnly(2026, 10, 31), SealedAt);
        Assert.Equal(200, period.Counts["enterprises"]);
        var calculator = new EnterpriseSummaryCalculator(store.IndicatorQueries);
        // By percentage only: a large enterprise's ordinary drift can exceed 50 people.
        var october = calculator.Compute(period.Period, "2026-10", 10, long.MaxValue);
        var july = calculator.Compute(period.Period, "2026-07", 10, long.MaxValue);
        var recession = store.ReadStaged(Dataset.Enterprises).Where(e => e[3] == "C39").Select(e => e[0]).ToHashSet();
        Assert.NotEmpty(recession);
        // Three months of −15 %: every recession enterprise is at least 38 % down on its baseline and warned of.
        Assert.Superset(recession, october.EarlyWarnings.Select(w => w.Report.CreditCode).ToHashSet());
        Assert.All(october.EarlyWarnings.Where(w => recession.Contains(w.Report.CreditCode)), w => Assert.Equal("economic_layoff", w.Report.ReductionType));
        Assert.DoesNotContain(july.EarlyWarnings, w => recession.Contains(w.Report.CreditCode));
        var manufacturing = october.ByIndustry.Single(g => g.Key == "C");
        Assert.True(manufacturing.ChangePercent < -3m, $"manufacturing fell only {manufacturing.ChangePercent} %");
        // Every recession enterprise cites 04 订单不足 (others may too).
        Assert.InRange(october.Total.Reasons.Single(r => r.Code == "04").Enterprises, recession.Count, long.MaxValue);
    }
}
