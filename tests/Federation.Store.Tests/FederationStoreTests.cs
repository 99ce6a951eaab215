using Federation.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Store.Tests;

public sealed class FederationStoreTests : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FederationStore Open(string name = "node.db") => FederationStore.Open(new StoreOptions { Path = _directory.File(name) });

    private static string[] Person(string id, string name = "张三") => [id, name, "2", "1949-12-31", "110105", "2", "440106", "1"];

    private static void Stage(FederationStore store, params string[][] persons)
    {
        using var staging = store.BeginStaging();
        foreach (var person in persons)
        {
            staging.Upsert(Dataset.Persons, person);
        }
        staging.Commit();
    }

    [Fact]
    public void Seal_StagedData_WritesManifestWithCountsAndDigest()
    {
        using var store = Open();
        Stage(store, Person("11010519491231002X"), Person("440106199001010013", "李四"));

        var manifest = store.Seal(October, Now);

        Assert.Equal(2, manifest.Counts["persons"]);
        Assert.Equal(0, manifest.Counts["employment"]);
        Assert.Equal(64, manifest.Digest.Length);
        Assert.Equal(manifest.Digest, store.RecomputeDigest(October));
        var read = store.GetManifest(October)!;
        Assert.Equal((manifest.Digest, manifest.SealedAt), (read.Digest, read.SealedAt));
        Assert.Equal(manifest.Counts, read.Counts);
    }

    [Fact]
    public void Digest_SameDataInAnotherOrder_IsEqual_DifferentData_Differs()
    {
        using var a = Open("a.db");
        using var b = Open("b.db");
        using var c = Open("c.db");
        Stage(a, Person("11010519491231002X"), Person("440106199001010013"));
        Stage(b, Person("440106199001010013"), Person("11010519491231002X"));
        Stage(c, Person("440106199001010013"), Person("11010519491231002X", "王五"));

        Assert.Equal(a.Seal(October, Now).Digest, b.Seal(October, Now).Digest);
        Assert.NotEqual(a.GetManifest(October)!.Digest, c.Seal(October, Now).Digest);
    }

    [Theory]
    [InlineData("UPDATE p_persons SET name = 'x'")]
    [InlineData("DELETE FROM p_persons")]
    [InlineData("INSERT INTO p_persons VALUES ('2026-10-31', 'local', '440106199001010013', 'n', '1', '1990-01-01', '440106', '1', '440106', 1)")]
    [InlineData("UPDATE manifests SET digest = 'forged'")]
    [InlineData("DELETE FROM manifests")]
    [InlineData("INSERT INTO findings VALUES ('2026-10-31', 'conflicting_state', 'x', 'a,b', 'forged')")]
    public void SealedSnapshot_AnyChange_IsRefusedByTheStore(string sql)
    {
        using var store = Open();
        Stage(store, Person("11010519491231002X"));
        var manifest = store.Seal(October, Now);

        using (var connection = new SqliteConnection($"Data Source={store.Path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            var ex = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
            Assert.Contains("immutable (R-4)", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(manifest.Digest, store.RecomputeDigest(October));
    }

    [Fact]
    public void StagedChange_AfterSealing_DoesNotAlterTheSealedPeriod()
    {
        using var store = Open();
        Stage(store, Person("11010519491231002X"));
        var manifest = store.Seal(October, Now);

        Stage(store, Person("11010519491231002X", "改名"));

        Assert.Equal("张三", store.ReadSealed(October, Dataset.Persons).Single().Values[1]);
        Assert.Equal("改名", store.ReadStaged(Dataset.Persons).Single()[1]);
        Assert.Equal(manifest.Digest, store.RecomputeDigest(October));
    }

    [Fact]
    public void Seal_SamePeriodTwice_OrAnEarlierOne_IsRefused()
    {
        using var store = Open();
        store.Seal(October, Now);
        Assert.Contains("already sealed", Assert.Throws<StoreException>(() => store.Seal(October, Now)).Message);
        Assert.Contains("sealed in order", Assert.Throws<StoreException>(() => store.Seal(new DateOnly(2026, 10, 15), Now)).Message);
        store.Seal(new DateOnly(2026, 11, 15), Now);
        Assert.Equal(2, store.ListManifests().Count);
    }

    [Fact]
    public void Seal_APeriodInTheFuture_IsRefused_OnBeijingTime()
    {
        using var store = Open();
        // 2026-11-19 17:00 UTC is already the 20th in Beijing: the 20th may be sealed, the 21st not.
        var evening = new DateTimeOffset(2026, 11, 19, 17, 0, 0, TimeSpan.Zero);
        var refused = Assert.Throws<StoreException>(() => store.Seal(new DateOnly(2026, 11, 21), evening));
        Assert.Contains("Period 2026-11-21 is in the future (today is 2026-11-20, Beijing time)", refused.Message, StringComparison.Ordinal);
        Assert.Empty(store.ListManifests());
        Assert.Equal("2026-11-20", store.Seal(new DateOnly(2026, 11, 20), evening).Period);
    }

    // Issue 11 item 8: a period as of D holds what had happened by D.
    [Fact]
    public void Seal_WithStagedRecordsDatedAfterThePeriod_IsRefusedNamingThem_ThenSealsAsOfTheLatestDate()
    {
        using var store = Open();
        using (var staging = store.BeginStaging())
        {
            staging.Upsert(Dataset.Persons, Person("11010519491231002X"));
            staging.Upsert(Dataset.Employment, ["E1", "11010519491231002X", "flexible", "", "2026-03-01", "2026-11-20", "440106", "1"]);
            staging.Upsert(Dataset.Employment, ["E2", "11010519491231002X", "flexible", "", "2026-11-21", "", "440106", "1"]);
            staging.Upsert(Dataset.Certificates, ["4401061026000001", "11010519491231002X", "2026-06-30", "440106", "", "440106", "1"]);
            staging.Commit();
        }

        var refused = Assert.Throws<StoreException>(() => store.Seal(new DateOnly(2026, 6, 30), Now));

        Assert.Equal("Period 2026-06-30 cannot be sealed: staged records are dated after it — employment.start_date: 1 (latest 2026-11-21); " +
            "employment.end_date: 1 (latest 2026-11-20). A period holds what had happened by its date; seal as of 2026-11-21 or later, or correct the dates at the source.",
            refused.Message);
        Assert.Empty(store.ListManifests());
        var later = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.FromHours(8));
        var manifest = store.Seal(new DateOnly(2026, 11, 21), later);
        Assert.Equal((1L, 2L, 1L), (manifest.Counts["persons"], manifest.Counts["employment"], manifest.Counts["certificates"]));
    }

    [Fact]
    public void Staging_NotCommitted_LeavesNothing()
    {
        using var store = Open();
        using (var staging = store.BeginStaging())
        {
            staging.Upsert(Dataset.Persons, Person("11010519491231002X"));
        }
        Assert.Empty(store.ReadStaged(Dataset.Persons));
    }

    [Fact]
    public void Upsert_SameRecordAgain_ChangesNothing()
    {
        using var store = Open();
        using var staging = store.BeginStaging();
        Assert.True(staging.Upsert(Dataset.Persons, Person("11010519491231002X")));
        Assert.False(staging.Upsert(Dataset.Persons, Person("11010519491231002X")));
        Assert.True(staging.Upsert(Dataset.Persons, Person("11010519491231002X", "新名")));
        Assert.Equal((2, 1), (staging.Changed, staging.Unchanged));
    }

    [Fact]
    public void Digest_SurvivesReopenAndBackupRestore()
    {
        string digest;
        var backup = _directory.File("backup.db");
        using (var store = Open())
        {
            Stage(store, Person("11010519491231002X"));
            digest = store.Seal(October, Now).Digest;
            store.BackupTo(backup);
            Assert.Throws<StoreException>(() => store.BackupTo(backup));
        }
        using (var reopened = Open())
        {
            Assert.Equal(digest, reopened.GetManifest(October)!.Digest);
            Assert.Equal(digest, reopened.RecomputeDigest(October));
        }
        File.Delete(_directory.File("node.db"));
        FederationStore.Restore(backup, _directory.File("node.db"), "local");
        using var restored = Open();
        Assert.Equal(digest, restored.GetManifest(October)!.Digest);
        Assert.Equal(digest, restored.RecomputeDigest(October));
    }

    [Fact]
    public void Restore_NotABackup_IsRefused()
    {
        var junk = _directory.File("junk.db");
        File.WriteAllText(junk, "not a database");
        Assert.Contains("is not restorable", Assert.Throws<StoreException>(() => FederationStore.Restore(junk, _directory.File("node.db"), "local")).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.File("node.db")));
    }

    // Issue 12 item 4: a backup is verified against every period's manifest, and a restore drill
    // runs on a copy; a backup whose records were changed is refused, naming the period.
    [Fact]
    public void Backup_Verify_And_Drill_FindATamperedPeriod_AndRestoreRefusesIt()
    {
        var backup = _directory.File("backup.db");
        using (var store = Open())
        {
            Stage(store, Person("11010519491231002X"), Person("440106199001010013", "李四"));
            store.Seal(October, Now);
            store.Seal(new DateOnly(2026, 11, 15), Now);
            store.BackupTo(backup);
        }
        var good = StoreBackups.Verify(backup);
        Assert.True(good.Ok, string.Join("; ", good.Problems));
        Assert.Equal(["2026-10-31", "2026-11-15"], good.Periods.Select(p => p.Period));
        Assert.True(StoreBackups.Drill(backup, "local", _directory.File("scratch")).Ok);
        Assert.Empty(Directory.GetFiles(_directory.File("scratch")));

        using (var connection = new SqliteConnection($"Data Source={backup};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER p_persons_immutable_update; UPDATE p_persons SET name = '改' WHERE period = '2026-11-15' AND citizen_id = '11010519491231002X'";
            command.ExecuteNonQuery();
        }
        var bad = StoreBackups.Verify(backup);
        var drill = StoreBackups.Drill(backup, "local", _directory.File("scratch"));

        Assert.Equal([true, false], bad.Periods.Select(p => p.Matches));
        Assert.StartsWith("sealed period 2026-11-15: its records give digest ", Assert.Single(bad.Problems), StringComparison.Ordinal);
        Assert.Equal(bad.Problems, drill.Problems);
        var refused = Assert.Throws<StoreException>(() => FederationStore.Restore(backup, _directory.File("node.db"), "local"));
        Assert.Contains("sealed period 2026-11-15", refused.Message, StringComparison.Ordinal);
        using var unchanged = Open();
        Assert.Equal(unchanged.GetManifest(new DateOnly(2026, 11, 15))!.Digest, unchanged.RecomputeDigest(new DateOnly(2026, 11, 15)));
    }
}
