using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Enterprise monitoring's sample checks in a province's merged seal, on each backend: the
/// composition limits with their exact boundaries, the minimum sample by population, missing
/// reports, an enterprise in two cities' samples — for the month the period covers.
/// </summary>
public abstract class SampleCheckTests(StoreBackend backend) : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 12, 8, 0, 0, TimeSpan.FromHours(8));
    private const string Shared = "91440000SHARED0001";
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

    private static string[] Entry(string code, string industry, string size, string ownership, string division, string joined = "2026-06", string left = "") =>
        [code, "企业", division, industry, size, ownership, joined, "100", left, left.Length > 0 ? "replaced" : "", division, "1"];

    private static string[] Report(string code, string division) =>
        [$"{code}-2026-10", code, "2026-10", "2026-05", "100", "100", "0", "0.00", "", "", "", "", "90", "1", "1", division, "1"];

    private INodeStore City(string id, List<string[]> entries, IEnumerable<string> unreported)
    {
        var store = Open(id);
        var skip = unreported.ToHashSet();
        using (var staging = store.Staging.BeginStaging())
        {
            foreach (var entry in entries)
            {
                staging.Upsert(Dataset.Enterprises, entry);
                if (!skip.Contains(entry[0]) && entry[6] == "2026-06")
                {
                    staging.Upsert(Dataset.EnterpriseReports, Report(entry[0], entry[2]));
                }
            }
            staging.Commit();
        }
        store.Periods.Seal(October, Now);
        return store;
    }

    private IReadOnlyList<Finding> SealProvince(IReadOnlyDictionary<string, long> populations)
    {
        // Guangzhou, 10 entries: 5 manufacturing (50 %), 5 small or medium (50 %), 4 state-owned (40 %); A3 did not report.
        var guangzhou = new List<string[]>();
        for (var i = 0; i < 10; i++)
        {
            guangzhou.Add(Entry(i == 9 ? Shared : $"A{i}", i < 5 ? "C13" : "F51", i < 5 ? "medium" : "large", i < 4 ? "110" : "173", "440106"));
        }
        // Shenzhen, 15 in the sample: exactly 6 manufacturing (40 %), 9 small or medium (60 %), 5 state-owned (1/3) — all pass;
        // plus one that left in September and one that joined in October, outside October's sample.
        var shenzhen = new List<string[]>();
        for (var i = 0; i < 15; i++)
        {
            shenzhen.Add(Entry(i == 14 ? Shared : $"B{i:D2}", i < 6 ? "C13" : "I65", i < 9 ? "small" : "large", i < 5 ? "110" : "159", "440304"));
        }
        shenzhen.Add(Entry("B-left", "C13", "large", "110", "440304", left: "2026-09"));
        shenzhen.Add(Entry("B-new", "C13", "large", "110", "440304", joined: "2026-10"));
        var cities = new[] { City("city-440100", guangzhou, ["A3"]), City("city-440300", shenzhen, []) };

        var province = Open("province-440000");
        var sources = cities.Select(city => SnapshotTransfer.Transfer(city, city.OwnerId, province, October, Now, batch: 100)).ToList();
        province.Periods.Seal(October, Now, sources, new Populations(populations));
        return province.Findings.ListFindings(October, null, null, 100);
    }

    [Fact]
    public void MergedSeal_ChecksEachCitysSample_ForThePeriodsMonth()
    {
        var findings = SealProvince(new Dictionary<string, long> { ["440100"] = 18_000_000 });

        Assert.Equal(
        [
            ("enterprise_sampled_by_two_cities", Shared, "city-440100,city-440300", "2026-10: the enterprise is in the samples of 2 cities: city-440100, city-440300"),
            ("missing_monthly_report", "A3@city-440100", "city-440100", "2026-10: no report from this sample entry of 440100 (city-440100)"),
            ("sample_below_minimum", "city-440100", "city-440100", "2026-10, 440100: 10 sample entries, below the minimum of 60 for a population of 18,000,000"),
            ("sample_below_minimum", "city-440300", "city-440300", "2026-10, 440300: the city's population is not configured (Monitoring:CityPopulation:440300), so its minimum sample (15 entries now) cannot be checked"),
            ("sample_manufacturing_over_40_percent", "city-440100", "city-440100", "2026-10, 440100: manufacturing is 5 of 10 sample entries (50 %), above 40 %"),
            ("sample_sme_under_60_percent", "city-440100", "city-440100", "2026-10, 440100: small and medium enterprises are 5 of 10 (50 %), below 60 %"),
            ("sample_state_owned_over_one_third", "city-440100", "city-440100", "2026-10, 440100: state-owned enterprises (110) are 4 of 10 (40 %), above one third"),
        ], findings.Select(f => (f.Kind, f.Subject, string.Join(",", f.Origins), f.Detail)));
    }

    [Fact]
    public void MinimumSample_ByPopulation_AndForMunicipalities()
    {
        Assert.Equal(300, SampleChecks.MinimumSample("310000", null));
        Assert.Equal(60, SampleChecks.MinimumSample("440100", 1_000_000));
        Assert.Equal(45, SampleChecks.MinimumSample("440200", 999_999));
        Assert.Equal(45, SampleChecks.MinimumSample("440200", 500_000));
        Assert.Equal(30, SampleChecks.MinimumSample("440200", 499_999));
        Assert.Null(SampleChecks.MinimumSample("440200", null));
        Assert.Equal("2026-10", SampleChecks.MonthOf(new DateOnly(2026, 10, 31)));
        Assert.Equal("2026-10", SampleChecks.MonthOf(new DateOnly(2026, 11, 15)));
    }

    /// <summary>The populations the node's settings would give.</summary>
    private sealed class Populations(IReadOnlyDictionary<string, long> figures) : ICityPopulations
    {
        public long? PopulationOf(string cityCode) => figures.TryGetValue(cityCode, out var population) ? population : null;
    }
}

public sealed class SampleCheckTestsOnSqlite() : SampleCheckTests(new SqliteBackend());

[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class SampleCheckTestsOnPostgres(PostgresServer server) : SampleCheckTests(new PostgresBackend(server.Cluster));
