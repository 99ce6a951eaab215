using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>What only the SQLite store has: triggers seen through a raw connection, file backups, restore drills.</summary>
public sealed class FederationStoreTests : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private SqliteStore Open(string name = "node.db") => SqliteStore.Open(new StoreOptions { Path = _directory.File(name) });

    private static string[] Person(string id, string name = "张三") => SealedPeriodTests.Person(id, name);

    private static void Stage(INodeStore store, params string[][] persons) => SealedPeriodTests.Stage(store, persons);

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
        var manifest = store.Periods.Seal(October, Now);

        using (var connection = new SqliteConnection($"Data Source={store.Path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            var ex = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
            Assert.Contains("immutable (R-4)", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(manifest.Digest, store.Periods.RecomputeDigest(October));
    }

    [Fact]
    public void Digest_SurvivesReopenAndBackupRestore()
    {
        string digest;
        var backup = _directory.File("backup.db");
        using (var store = Open())
        {
            Stage(store, Person("11010519491231002X"));
            digest = store.Periods.Seal(October, Now).Digest;
            store.BackupTo(backup);
            Assert.Throws<StoreException>(() => store.BackupTo(backup));
        }
        using (var reopened = Open())
        {
            Assert.Equal(digest, reopened.Periods.GetManifest(October)!.Digest);
            Assert.Equal(digest, reopened.Periods.RecomputeDigest(October));
        }
        File.Delete(_directory.File("node.db"));
        SqliteStore.Restore(backup, _directory.File("node.db"), "local");
        using var restored = Open();
        Assert.Equal(digest, restored.Periods.GetManifest(October)!.Digest);
        Assert.Equal(digest, restored.Periods.RecomputeDigest(October));
    }

    [Fact]
    public void Restore_NotABackup_IsRefused()
    {
        var junk = _directory.File("junk.db");
        File.WriteAllText(junk, "not a database");
        Assert.Contains("is not restorable", Assert.Throws<StoreException>(() => SqliteStore.Restore(junk, _directory.File("node.db"), "local")).Message, StringComparison.Ordinal);
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
            store.Periods.Seal(October, Now);
            store.Periods.Seal(new DateOnly(2026, 11, 15), Now);
            store.BackupTo(backup);
        }
        var good = SqliteBackups.Verify(backup);
        Assert.True(good.Ok, string.Join("; ", good.Problems));
        Assert.Equal(["2026-10-31", "2026-11-15"], good.Periods.Select(p => p.Period.ToString()));
        Assert.True(SqliteBackups.Drill(backup, "local", _directory.File("scratch")).Ok);
        Assert.Empty(Directory.GetFiles(_directory.File("scratch")));

        using (var connection = new SqliteConnection($"Data Source={backup};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER p_persons_immutable_update; UPDATE p_persons SET name = '改' WHERE period = '2026-11-15' AND citizen_id = '11010519491231002X'";
            command.ExecuteNonQuery();
        }
        var bad = SqliteBackups.Verify(backup);
        var drill = SqliteBackups.Drill(backup, "local", _directory.File("scratch"));

        Assert.Equal([true, false], bad.Periods.Select(p => p.Matches));
        Assert.StartsWith("sealed period 2026-11-15: its records give digest ", Assert.Single(bad.Problems), StringComparison.Ordinal);
        Assert.Equal(bad.Problems, drill.Problems);
        var refused = Assert.Throws<StoreException>(() => SqliteStore.Restore(backup, _directory.File("node.db"), "local"));
        Assert.Contains("sealed period 2026-11-15", refused.Message, StringComparison.Ordinal);
        using var unchanged = Open();
        Assert.Equal(unchanged.Periods.GetManifest(new DateOnly(2026, 11, 15))!.Digest, unchanged.Periods.RecomputeDigest(new DateOnly(2026, 11, 15)));
    }
}
