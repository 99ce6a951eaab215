using System.Diagnostics;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Store.Tests;

/// <summary>
/// A damaged database page (issue 25, item 4): the store refuses to open — and so the node to start
/// — saying how to restore; a backup taken after the damage is refused the same way; the restored
/// backup opens with its sealed period's digest intact.
/// </summary>
public sealed class DamagedStoreTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    // A store with 3000 staged and sealed persons (many pages per table); returns the period's digest.
    private static string Build(string path)
    {
        using var store = SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" });
        using (var staging = store.Staging.BeginStaging())
        {
            for (var i = 0; i < 3000; i++)
            {
                staging.Upsert(Dataset.Persons, [$"44010619900101{i:D4}", "张三", "1", "1990-01-01", "440106", "1", "440106", "1"]);
            }
            staging.Commit();
        }
        return store.Periods.Seal(October, Now).Digest;
    }

    [Fact]
    public void Open_StoreWithADamagedPage_IsRefusedSayingHowToRestore()
    {
        var path = _directory.File("node.db");
        Build(path);
        StoreDamage.DamagePage(path);

        var refused = Assert.Throws<StoreException>(() => SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" }));

        Assert.Equal(StoreFailure.Corrupt, refused.Kind);
        Assert.StartsWith($"The store {path} is damaged (SQLite's quick_check: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The node does not serve from a damaged store.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Federation.Node restore --config <the node's config> <backup .db>", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("44010619900101", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_OfAStoreDamagedWhileOpen_IsRefusedSayingHowToRestore_AndTheEarlierBackupRestoresWhole()
    {
        var path = _directory.File("node.db");
        var digest = Build(path);
        var before = _directory.File("before.db");
        using (var store = SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" }))
        {
            store.BackupTo(before);
        }
        using (var store = SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" }))
        {
            StoreDamage.DamagePage(path); // under the running node, between its start-up check and the backup

            var refused = Assert.Throws<StoreException>(() => store.BackupTo(_directory.File("after.db")));

            Assert.Equal(StoreFailure.Corrupt, refused.Kind);
            Assert.StartsWith($"The store {path} is damaged (found while writing a backup: SQLite: ", refused.Message, StringComparison.Ordinal);
            Assert.Contains("restore the latest verified backup", refused.Message, StringComparison.Ordinal);
        }

        SqliteStore.Restore(before, path, "city-440100");

        using var restored = SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" });
        Assert.Equal(digest, restored.Periods.RecomputeDigest(October));
    }

    [Fact]
    public void QuickCheck_OnAWholeStore_FindsNothing_AndItsCostIsMeasured()
    {
        var path = _directory.File("node.db");
        Build(path);
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();

        var stopwatch = Stopwatch.StartNew();
        var problems = StoreIntegrity.QuickCheck(connection);
        stopwatch.Stop();

        Assert.Empty(problems);
        output.WriteLine($"quick_check of {new FileInfo(path).Length / 1024} KiB: {stopwatch.Elapsed.TotalMilliseconds:F1} ms");
    }
}
