using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>A parent sealing its period as the union of its children's snapshots, with the comparison (比对) findings.</summary>
public abstract class MergeSealTests(StoreBackend backend) : IDisposable
{
    private static readonly DateOnly Period = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 5, 8, 0, 0, TimeSpan.FromHours(8));
    private const string Wang = "440106199001010013";
    private const string Li = "440106198502020024";
    private const string Zhao = "440106197003030035";
    private readonly List<INodeStore> _stores = [];

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        backend.Dispose();
        GC.SuppressFinalize(this);
    }

    private INodeStore Open(string id)
    {
        var store = backend.Open(id, id);
        _stores.Add(store);
        return store;
    }

    private static void Stage(INodeStore store, params (Dataset Dataset, string[] Values)[] rows)
    {
        using var staging = store.Staging.BeginStaging();
        foreach (var (dataset, values) in rows)
        {
            staging.Upsert(dataset, values);
        }
        staging.Commit();
    }

    private static string[] Person(string id, string division) => [id, "某人", "1", "1990-01-01", division, "2", division, "1"];

    private static string[] Certificate(string number, string citizen, string division) => [number, citizen, "2020-01-01", division, "", division, "1"];

    private static string[] Unemployed(string id, string citizen, string division, string cancel = "") =>
        [id, citizen, "employment_to_unemployment", "2026-01-05", cancel, cancel.Length > 0 ? "employed" : "", division, "1"];

    private static string[] Employed(string id, string citizen, string division, string end = "") =>
        [id, citizen, "flexible", "", "2026-03-01", end, division, "1"];

    private static MergedSource Transfer(INodeStore child, string childId, INodeStore parent, DateOnly period) =>
        SnapshotTransfer.Transfer(child, childId, parent, period, Now);

    private (INodeStore Province, Manifest Manifest) SealProvince()
    {
        var guangzhou = Open("city-440100");
        Stage(guangzhou,
            (Dataset.Persons, Person(Wang, "440106")), (Dataset.Persons, Person(Li, "440106")), (Dataset.Persons, Person(Zhao, "440106")),
            (Dataset.Certificates, Certificate("4401062020000001", Wang, "440106")),
            (Dataset.Unemployment, Unemployed("U-GZ-1", Wang, "440106")),
            (Dataset.Unemployment, Unemployed("U-GZ-2", Li, "440106")),
            // Zhao: unemployed and employed in the same city — the city's own business, not a cross-region finding.
            (Dataset.Unemployment, Unemployed("U-GZ-3", Zhao, "440106")),
            (Dataset.Employment, Employed("E-GZ-3", Zhao, "440106")));
        guangzhou.Periods.Seal(Period, Now);
        var shenzhen = Open("city-440300");
        Stage(shenzhen,
            (Dataset.Persons, Person(Wang, "440304")), (Dataset.Persons, Person(Li, "440304")),
            (Dataset.Certificates, Certificate("4401062020000001", Wang, "440304")),
            (Dataset.Unemployment, Unemployed("U-SZ-1", Wang, "440304")),
            (Dataset.Employment, Employed("E-SZ-2", Li, "440304")),
            // Cancelled before the period's date: no longer a registration in force.
            (Dataset.Unemployment, Unemployed("U-SZ-3", Zhao, "440304", cancel: "2026-06-30")));
        shenzhen.Periods.Seal(Period, Now);

        var province = Open("province-44");
        var sources = new[] { Transfer(guangzhou, "city-440100", province, Period), Transfer(shenzhen, "city-440300", province, Period) };
        return (province, province.Periods.Seal(Period, Now, sources));
    }

    [Fact]
    public void MergedSeal_HoldsEveryChildsRecordsUnderTheirOrigin()
    {
        var (province, manifest) = SealProvince();

        Assert.Equal(5, manifest.Counts["persons"]); // Wang and Li in both cities: kept side by side
        Assert.Equal(5, manifest.Counts["unemployment"]);
        Assert.Equal(["city-440100", "city-440300"], manifest.Sources.Select(s => s.ChildId));
        Assert.Equal(manifest.Digest, province.Periods.RecomputeDigest(Period));
        Assert.Equal(manifest.Sources, province.Periods.GetManifest(Period)!.Sources);
        Assert.Equal(["city-440100", "city-440100", "city-440100", "city-440300", "city-440300"],
            province.Periods.ReadSealed(Period, Dataset.Persons).Select(r => r.Origin));
    }

    [Fact]
    public void MergedSeal_RecordsCrossRegionFindingsOnly()
    {
        var (province, _) = SealProvince();

        var findings = province.Findings.ListFindings(Period, kind: null, after: null, limit: 100);

        Assert.Equal(
            [
                (Finding.CertificateIssuedTwice, "4401062020000001"),
                (Finding.ConflictingState, Li),
                (Finding.DuplicateUnemployment, Wang),
            ],
            findings.Select(f => (f.Kind, f.Subject)));
        Assert.All(findings, f => Assert.Equal(["city-440100", "city-440300"], f.Origins));
        Assert.Contains("unemployed at city-440100", findings[1].Detail, StringComparison.Ordinal);
        Assert.Contains("employed at city-440300", findings[1].Detail, StringComparison.Ordinal);
        Assert.Equal(1, province.Findings.CountFindings(Period)[Finding.ConflictingState]);
        Assert.Equal([Wang], province.Findings.ListFindings(Period, Finding.DuplicateUnemployment, null, 10).Select(f => f.Subject));
        Assert.Equal([Wang], province.Findings.ListFindings(Period, null, (Finding.ConflictingState, Li), 10).Select(f => f.Subject));
    }

    [Fact]
    public void MergedPeriod_IsTheRoutingIndexAndTheCacheOfEachChild()
    {
        var (province, _) = SealProvince();

        Assert.Equal(["city-440100", "city-440300"], province.Holders.ChildrenHolding(Wang));
        Assert.Equal(["city-440100"], province.Holders.ChildrenHolding(Zhao));
        Assert.Empty(province.Holders.ChildrenHolding("11010519491231002X"));
        var cached = province.Holders.FindCachedHolder("city-440300", Wang)!;
        Assert.Equal(Period, cached.CachedPeriod);
        Assert.All(cached.Records.Values.SelectMany(r => r), r => Assert.Equal("city-440300", r.Origin));
        Assert.Equal(["U-SZ-1"], cached.Records[Dataset.Unemployment].Select(r => r.Values[0]));
        Assert.Equal(Wang, province.Holders.FindCachedCertificateHolder("city-440100", "4401062020000001"));
        Assert.Null(province.Holders.FindCachedHolder("city-440300", Zhao)?.Records[Dataset.Persons].FirstOrDefault().Values);
        Assert.Null(province.Holders.FindCachedHolder("city-999999", Wang));
    }

    [Fact]
    public void MinistryPullingAProvince_KeepsTheCitiesAsOrigins()
    {
        var (province, provinceManifest) = SealProvince();
        var ministry = Open("ministry");

        var source = Transfer(province, "province-44", ministry, Period);
        var manifest = ministry.Periods.Seal(Period, Now, [source]);

        Assert.Equal(provinceManifest.Digest, source.Digest);
        Assert.Equal(provinceManifest.Counts, manifest.Counts);
        Assert.Equal(["city-440100", "city-440300"], ministry.Periods.ReadSealed(Period, Dataset.Certificates).Select(r => r.Origin));
        Assert.Equal(3, ministry.Findings.ListFindings(Period, null, null, 100).Count);
    }

    [Fact]
    public void MergedSeal_OfASnapshotNotCommitted_IsRefused()
    {
        var province = Open("province-44");

        var ex = Assert.Throws<StoreException>(() => province.Periods.Seal(Period, Now, [new MergedSource("city-440100", Federation.Store.Period.Parse("2026-10-31"), "abc")]));

        Assert.Contains("No committed snapshot of city-440100 for 2026-10-31", ex.Message, StringComparison.Ordinal);
        Assert.Empty(province.Periods.ListManifests());
    }
}

public sealed class MergeSealTestsOnSqlite() : MergeSealTests(new SqliteBackend());

[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class MergeSealTestsOnPostgres(PostgresServer server) : MergeSealTests(new PostgresBackend(server.Cluster));
