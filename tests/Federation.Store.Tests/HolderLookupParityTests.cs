using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Verification's look-ups answer the same on PostgreSQL as on SQLite, record for record: the
/// PostgreSQL store answers each look-up in one statement (issue 26 item 5), so the scope rules
/// the SQLite store applies in code — the latest merged period naming the child, that snapshot's
/// origins, every citizen dataset, byte order of origin then key — are checked here on a tree with
/// two merged periods (one child missing from the later), two origins under one child, keys whose
/// byte order differs from a linguistic one, and a record no longer valid.
/// </summary>
[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class HolderLookupParityTests(PostgresServer server) : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateOnly November = new(2026, 11, 15);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));
    private const string Wang = "440106199001010013";
    private const string Li = "44010619900101001X";
    private const string Zhang = "11010519491231002X";
    private const string Nobody = "110105194912310037";
    private readonly List<StoreBackend> _backends = [];
    private readonly List<INodeStore> _stores = [];

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        _backends.ForEach(b => b.Dispose());
    }

    private sealed record Tree(INodeStore Guangzhou, INodeStore Shenzhen, INodeStore Province, INodeStore Ministry);

    private Tree Build(StoreBackend backend)
    {
        _backends.Add(backend);
        INodeStore Open(string id)
        {
            var store = backend.Open(id, id);
            _stores.Add(store);
            return store;
        }
        var guangzhou = Open("city-440100");
        Stage(guangzhou,
            (Dataset.Persons, [Wang, "王某", "1", "1990-01-01", "440106", "2", "440106", "1"]),
            (Dataset.Persons, [Li, "Zoë O'Brien", "1", "1990-01-01", "440106", "", "440106", "1"]),
            (Dataset.Persons, [Zhang, "张三", "2", "1949-12-31", "110105", "2", "440106", "0"]),
            (Dataset.Certificates, ["4401062020000001", Wang, "2020-01-01", "440106", "", "440106", "1"]),
            (Dataset.Certificates, ["4401062020000002", Zhang, "2020-01-01", "440106", "2021-01-01", "440106", "0"]),
            (Dataset.Employment, ["e-10", Wang, "flexible", "", "2026-03-01", "", "440106", "1"]),
            (Dataset.Employment, ["E-2", Wang, "flexible", "", "2026-03-01", "", "440106", "1"]),
            (Dataset.Employment, ["e-1", Wang, "flexible", "", "2026-03-01", "2026-06-30", "440106", "1"]),
            (Dataset.Employment, ["中-1", Wang, "flexible", "", "2026-03-01", "", "440106", "0"]),
            (Dataset.Unemployment, ["U-GZ-1", Li, "employment_to_unemployment", "2026-01-05", "", "", "440106", "1"]),
            (Dataset.Assistance, ["A-GZ-1", Wang, "long_term_unemployed", "2026-02-01", "", "", "440106", "1"]),
            (Dataset.Policies, ["P-GZ-1", Wang, "social_insurance_subsidy", "2026-02-01", "", "1200.00", "440106", "1"]),
            (Dataset.Benefits, ["B-GZ-1", Li, "2026-01-10", "", "1720.00", "440106", "1"]));
        guangzhou.Periods.Seal(October, Now);
        var shenzhen = Open("city-440300");
        Stage(shenzhen,
            (Dataset.Persons, [Wang, "王某", "1", "1990-01-01", "440304", "2", "440304", "1"]),
            (Dataset.Certificates, ["4401062020000001", Li, "2020-01-01", "440304", "", "440304", "1"]),
            (Dataset.Unemployment, ["U-SZ-1", Wang, "employment_to_unemployment", "2026-04-01", "", "", "440304", "1"]));
        shenzhen.Periods.Seal(October, Now);
        var province = Open("province-440000");
        province.Periods.Seal(October, Now,
            [SnapshotTransfer.Transfer(guangzhou, "city-440100", province, October, Now), SnapshotTransfer.Transfer(shenzhen, "city-440300", province, October, Now)]);
        // November: Guangzhou only (Shenzhen's snapshot stays in October's merged period).
        Stage(guangzhou, (Dataset.Employment, ["E-3", Li, "contract", "91440101MA5ABCDE1X", "2026-11-01", "", "440106", "1"]));
        guangzhou.Periods.Seal(November, Now);
        province.Periods.Seal(November, Now, [SnapshotTransfer.Transfer(guangzhou, "city-440100", province, November, Now)]);
        var ministry = Open("ministry");
        ministry.Periods.Seal(October, Now, [SnapshotTransfer.Transfer(province, "province-440000", ministry, October, Now)]);
        return new Tree(guangzhou, shenzhen, province, ministry);
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

    // Everything a look-up answers, in its order: the datasets (present even when empty), each
    // record's origin and values, the cached period.
    private static string Describe(HolderRecords? holder) => holder is null ? "(none)"
        : $"{holder.CitizenId} cached={holder.CachedPeriod?.ToString() ?? "live"}\n" + string.Join("\n", holder.Records.Select(kv =>
            $"{kv.Key.Name}: {string.Join(" | ", kv.Value.Select(r => r.Origin + " " + string.Join(",", r.Values)))}"));

    private static List<string> Answers(Tree tree)
    {
        var answers = new List<string>();
        foreach (var citizen in new[] { Wang, Li, Zhang, Nobody })
        {
            answers.Add("staged GZ " + Describe(tree.Guangzhou.Holders.FindStagedHolder(citizen)));
            answers.Add("staged SZ " + Describe(tree.Shenzhen.Holders.FindStagedHolder(citizen)));
            answers.Add("staged province " + Describe(tree.Province.Holders.FindStagedHolder(citizen)));
            foreach (var (parent, name) in new[] { (tree.Province, "province"), (tree.Ministry, "ministry") })
            {
                answers.Add($"children {name} {citizen}: " + string.Join(",", parent.Holders.ChildrenHolding(citizen)));
                foreach (var child in new[] { "city-440100", "city-440300", "province-440000", "city-999999" })
                {
                    answers.Add($"cached {name} {child} " + Describe(parent.Holders.FindCachedHolder(child, citizen)));
                }
            }
        }
        foreach (var number in new[] { "4401062020000001", "4401062020000002", "4401069999999999" })
        {
            answers.Add($"staged certificate GZ {number}: {tree.Guangzhou.Holders.FindStagedCertificateHolder(number)}");
            answers.Add($"staged certificate SZ {number}: {tree.Shenzhen.Holders.FindStagedCertificateHolder(number)}");
            foreach (var (parent, name) in new[] { (tree.Province, "province"), (tree.Ministry, "ministry") })
            {
                foreach (var child in new[] { "city-440100", "city-440300", "province-440000", "city-999999" })
                {
                    answers.Add($"cached certificate {name} {child} {number}: {parent.Holders.FindCachedCertificateHolder(child, number)}");
                }
            }
        }
        return answers;
    }

    [Fact]
    public void EveryLookUp_AnswersOnPostgresAsOnSqlite()
    {
        var sqlite = Answers(Build(new SqliteBackend()));
        var postgres = Answers(Build(new PostgresBackend(server.Cluster)));

        Assert.Equal(sqlite.Count, postgres.Count);
        for (var i = 0; i < sqlite.Count; i++)
        {
            Assert.Equal(sqlite[i], postgres[i]);
        }
    }

    [Fact]
    public void CachedLookUps_TakeTheLatestMergedPeriodNamingTheChild_OnPostgres()
    {
        var tree = Build(new PostgresBackend(server.Cluster));

        var guangzhou = tree.Province.Holders.FindCachedHolder("city-440100", Li)!;
        Assert.Equal(November, guangzhou.CachedPeriod);
        Assert.Equal(["E-3"], guangzhou.Records[Dataset.Employment].Select(r => r.Values[0]));
        Assert.Equal(Dataset.All.Where(d => d.CitizenColumn >= 0), guangzhou.Records.Keys);
        var shenzhen = tree.Province.Holders.FindCachedHolder("city-440300", Wang)!;
        Assert.Equal(October, shenzhen.CachedPeriod);
        Assert.Equal(["U-SZ-1"], shenzhen.Records[Dataset.Unemployment].Select(r => r.Values[0]));
        Assert.Equal(["city-440100"], tree.Province.Holders.ChildrenHolding(Wang));
        // Byte order of the natural key; a record no longer valid is still the holder's.
        Assert.Equal(["E-2", "e-1", "e-10", "中-1"], tree.Guangzhou.Holders.FindStagedHolder(Wang)!.Records[Dataset.Employment].Select(r => r.Values[0]));
        Assert.Equal("0", tree.Guangzhou.Holders.FindStagedHolder(Wang)!.Records[Dataset.Employment][3].Values[^1]);
        // The ministry's copy of the province holds both cities as origins, in byte order.
        var both = tree.Ministry.Holders.FindCachedHolder("province-440000", Wang)!;
        Assert.Equal(["city-440100", "city-440300"], both.Records[Dataset.Persons].Select(r => r.Origin));
        // One number held in two cities: the first holder in byte order, as on SQLite.
        Assert.Equal(Wang, tree.Ministry.Holders.FindCachedCertificateHolder("province-440000", "4401062020000001"));
        Assert.Null(tree.Ministry.Holders.FindCachedHolder("city-440300", Li)); // not the ministry's child
        Assert.Null(tree.Province.Holders.FindCachedHolder("city-999999", Wang));
        Assert.Null(tree.Ministry.Holders.FindCachedHolder("province-440000", Nobody));
    }

    // The PostgreSQL store keeps each child's scope in memory and checks it in the look-up's round
    // trip: a merged seal made by another process (the `seal` command, another node instance) is
    // seen by the next look-up.
    [Fact]
    public void CachedScopes_FollowAMergedSealMadeByAnotherProcess()
    {
        var backend = new PostgresBackend(server.Cluster);
        var tree = Build(backend);
        Assert.Equal(October, tree.Province.Holders.FindCachedHolder("city-440300", Wang)!.CachedPeriod);
        Assert.Equal(["city-440100"], tree.Province.Holders.ChildrenHolding(Wang));
        Assert.Null(tree.Province.Holders.FindCachedCertificateHolder("city-440300", "4401062020000009"));

        var later = new DateOnly(2026, 11, 19);
        Stage(tree.Shenzhen, (Dataset.Certificates, ["4401062020000009", Wang, "2026-11-18", "440304", "", "440304", "1"]));
        tree.Shenzhen.Periods.Seal(later, Now);
        var other = backend.Open("province-440000", "province-440000");
        _stores.Add(other);
        other.Periods.Seal(later, Now, [SnapshotTransfer.Transfer(tree.Shenzhen, "city-440300", other, later, Now)]);

        Assert.Equal(later, tree.Province.Holders.FindCachedHolder("city-440300", Wang)!.CachedPeriod);
        Assert.Equal(Wang, tree.Province.Holders.FindCachedCertificateHolder("city-440300", "4401062020000009"));
        Assert.Equal(["city-440300"], tree.Province.Holders.ChildrenHolding(Wang));
        Assert.Equal(November, tree.Province.Holders.FindCachedHolder("city-440100", Wang)!.CachedPeriod);
    }
}
