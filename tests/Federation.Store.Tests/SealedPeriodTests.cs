using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Staging and sealed periods, written once against <see cref="INodeStore"/> and run on each
/// backend (<see cref="SealedPeriodTestsOnSqlite"/>, <see cref="SealedPeriodTestsOnPostgres"/>).
/// </summary>
public abstract class SealedPeriodTests(StoreBackend backend) : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));

    public void Dispose()
    {
        backend.Dispose();
        GC.SuppressFinalize(this);
    }

    private INodeStore Open(string name) => backend.Open(name);

    internal static string[] Person(string id, string name = "张三") => [id, name, "2", "1949-12-31", "110105", "2", "440106", "1"];

    internal static void Stage(INodeStore store, params string[][] persons)
    {
        using var staging = store.Staging.BeginStaging();
        foreach (var person in persons)
        {
            staging.Upsert(Dataset.Persons, person);
        }
        staging.Commit();
    }

    [Fact]
    public void Seal_StagedData_WritesManifestWithCountsAndDigest()
    {
        using var store = Open("node");
        Stage(store, Person("11010519491231002X"), Person("440106199001010013", "李四"));

        var manifest = store.Periods.Seal(October, Now);

        Assert.Equal(2, manifest.Counts["persons"]);
        Assert.Equal(0, manifest.Counts["employment"]);
        Assert.Equal(64, manifest.Digest.Length);
        Assert.Equal(manifest.Digest, store.Periods.RecomputeDigest(October));
        var read = store.Periods.GetManifest(October)!;
        Assert.Equal((manifest.Digest, manifest.SealedAt), (read.Digest, read.SealedAt));
        Assert.Equal(manifest.Counts, read.Counts);
    }

    [Fact]
    public void Digest_SameDataInAnotherOrder_IsEqual_DifferentData_Differs()
    {
        using var a = Open("a");
        using var b = Open("b");
        using var c = Open("c");
        Stage(a, Person("11010519491231002X"), Person("440106199001010013"));
        Stage(b, Person("440106199001010013"), Person("11010519491231002X"));
        Stage(c, Person("440106199001010013"), Person("11010519491231002X", "王五"));

        Assert.Equal(a.Periods.Seal(October, Now).Digest, b.Periods.Seal(October, Now).Digest);
        Assert.NotEqual(a.Periods.GetManifest(October)!.Digest, c.Periods.Seal(October, Now).Digest);
    }

    [Fact]
    public void StagedChange_AfterSealing_DoesNotAlterTheSealedPeriod()
    {
        using var store = Open("node");
        Stage(store, Person("11010519491231002X"));
        var manifest = store.Periods.Seal(October, Now);

        Stage(store, Person("11010519491231002X", "改名"));

        Assert.Equal("张三", store.Periods.ReadSealed(October, Dataset.Persons).Single().Values[1]);
        Assert.Equal("改名", store.ReadStaged(Dataset.Persons).Single()[1]);
        Assert.Equal(manifest.Digest, store.Periods.RecomputeDigest(October));
    }

    [Fact]
    public void Seal_SamePeriodTwice_OrAnEarlierOne_IsRefused()
    {
        using var store = Open("node");
        store.Periods.Seal(October, Now);
        Assert.Contains("already sealed", Assert.Throws<StoreException>(() => store.Periods.Seal(October, Now)).Message);
        Assert.Contains("sealed in order", Assert.Throws<StoreException>(() => store.Periods.Seal(new DateOnly(2026, 10, 15), Now)).Message);
        store.Periods.Seal(new DateOnly(2026, 11, 15), Now);
        Assert.Equal(2, store.Periods.ListManifests().Count);
    }

    [Fact]
    public void Seal_APeriodInTheFuture_IsRefused_OnBeijingTime()
    {
        using var store = Open("node");
        // 2026-11-19 17:00 UTC is already the 20th in Beijing: the 20th may be sealed, the 21st not.
        var evening = new DateTimeOffset(2026, 11, 19, 17, 0, 0, TimeSpan.Zero);
        var refused = Assert.Throws<StoreException>(() => store.Periods.Seal(new DateOnly(2026, 11, 21), evening));
        Assert.Contains("Period 2026-11-21 is in the future (today is 2026-11-20, Beijing time)", refused.Message, StringComparison.Ordinal);
        Assert.Empty(store.Periods.ListManifests());
        Assert.Equal("2026-11-20", store.Periods.Seal(new DateOnly(2026, 11, 20), evening).Period.ToString());
    }

    // Issue 11 item 8: a period as of D holds what had happened by D.
    [Fact]
    public void Seal_WithStagedRecordsDatedAfterThePeriod_IsRefusedNamingThem_ThenSealsAsOfTheLatestDate()
    {
        using var store = Open("node");
        using (var staging = store.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.Persons, Person("11010519491231002X"));
            staging.Upsert(Dataset.Employment, ["E1", "11010519491231002X", "flexible", "", "2026-03-01", "2026-11-20", "440106", "1"]);
            staging.Upsert(Dataset.Employment, ["E2", "11010519491231002X", "flexible", "", "2026-11-21", "", "440106", "1"]);
            staging.Upsert(Dataset.Certificates, ["4401061026000001", "11010519491231002X", "2026-06-30", "440106", "", "440106", "1"]);
            staging.Commit();
        }

        var refused = Assert.Throws<StoreException>(() => store.Periods.Seal(new DateOnly(2026, 6, 30), Now));

        Assert.Equal("Period 2026-06-30 cannot be sealed: staged records are dated after it — employment.start_date: 1 (latest 2026-11-21); " +
            "employment.end_date: 1 (latest 2026-11-20). A period holds what had happened by its date; seal as of 2026-11-21 or later, or correct the dates at the source.",
            refused.Message);
        Assert.Empty(store.Periods.ListManifests());
        var later = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.FromHours(8));
        var manifest = store.Periods.Seal(new DateOnly(2026, 11, 21), later);
        Assert.Equal((1L, 2L, 1L), (manifest.Counts["persons"], manifest.Counts["employment"], manifest.Counts["certificates"]));
    }

    [Fact]
    public void Staging_NotCommitted_LeavesNothing()
    {
        using var store = Open("node");
        using (var staging = store.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.Persons, Person("11010519491231002X"));
        }
        Assert.Empty(store.ReadStaged(Dataset.Persons));
    }

    [Fact]
    public void Upsert_SameRecordAgain_ChangesNothing()
    {
        using var store = Open("node");
        using var staging = store.Staging.BeginStaging();
        Assert.True(staging.Upsert(Dataset.Persons, Person("11010519491231002X")));
        Assert.False(staging.Upsert(Dataset.Persons, Person("11010519491231002X")));
        Assert.True(staging.Upsert(Dataset.Persons, Person("11010519491231002X", "新名")));
        Assert.Equal((2, 1), (staging.Changed, staging.Unchanged));
    }
}

public sealed class SealedPeriodTestsOnSqlite() : SealedPeriodTests(new SqliteBackend());

[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class SealedPeriodTestsOnPostgres(PostgresServer server) : SealedPeriodTests(new PostgresBackend(server.Cluster));
