using Federation.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// A full disk during a seal and during a backup (issue 25, item 4; docs/reliability.md), on a real
/// tmpfs of its own (<see cref="SmallDisk"/>): the seal is refused naming the period and the store,
/// nothing of the period is written and the write-ahead log gives its space back; the backup is
/// refused naming its file and leaves no copy behind; the store goes on answering, and the same
/// seal or backup succeeds once the space is back.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));
    private const string Citizen = "44010619900101";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    // 3000 staged persons: the seal copies them, which takes far more than the space left.
    private static Sqlite.SqliteStore Build(string path)
    {
        var store = Sqlite.SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" });
        using var staging = store.Staging.BeginStaging();
        for (var i = 0; i < 3000; i++)
        {
            staging.Upsert(Dataset.Persons, [$"{Citizen}{i:D4}", "张三", "1", "1990-01-01", "440106", "1", "440106", "1"]);
        }
        staging.Commit();
        return store;
    }

    private static long Count(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    // The staged import sits in the write-ahead log until a checkpoint: move it into the database
    // first, so that what the seal writes is the only thing in the log (as on a node that has run a while).
    private static void Checkpoint(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Seal_WhenTheDiskFills_IsRefusedNamingPeriodAndStore_WritesNothing_GivesTheSpaceBack_ThenSealsWithSpace()
    {
        using var disk = SmallDisk.Mount(_directory.File("disk"), 8);
        var path = Path.Combine(disk.Path, "city-440100.db");
        using var store = Build(path);
        Checkpoint(path);
        disk.Fill(leaveBytes: 48 * 1024);
        var free = disk.Free;

        var refused = Assert.Throws<StoreException>(() => store.Periods.Seal(October, Now));

        Assert.StartsWith($"Period 2026-10-31 was not sealed: the disk holding the store {path} is full (", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing of the period was written", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Citizen, refused.Message, StringComparison.Ordinal);
        Assert.True(StoreIntegrity.IsDiskFull(refused));
        // Nothing half-way: no manifest, no sealed row; the write-ahead log is empty again, so the
        // space the seal took is free for the audit log and the next write.
        Assert.Empty(store.Periods.ListManifests());
        Assert.Equal(0, Count(path, "SELECT count(*) FROM p_persons"));
        Assert.Equal(0, new FileInfo(path + "-wal").Length);
        Assert.True(disk.Free >= free, $"{disk.Free} bytes free after the refused seal, {free} before");
        // Reads go on.
        Assert.NotNull(store.Holders.FindStagedHolder($"{Citizen}0042"));

        disk.Empty();
        var manifest = store.Periods.Seal(October, Now);

        Assert.Equal(3000, manifest.Counts["persons"]);
        Assert.Equal(manifest.Digest, store.Periods.RecomputeDigest(October));
        Assert.Single(store.Periods.ListManifests());
    }

    [Fact]
    public void Backup_WhenItsDiskFills_IsRefusedNamingTheFile_LeavesNoCopy_ThenBacksUpWithSpace()
    {
        using var store = Build(_directory.File("city-440100.db"));
        var digest = store.Periods.Seal(October, Now).Digest;
        using var disk = SmallDisk.Mount(_directory.File("backups"), 8);
        var destination = Path.Combine(disk.Path, "city-440100-2026-11.db");
        disk.Fill(leaveBytes: 64 * 1024);

        var refused = Assert.Throws<StoreException>(() => store.BackupTo(destination));

        Assert.StartsWith($"The backup {destination} was not written: the disk it is on is full (", refused.Message, StringComparison.Ordinal);
        Assert.Contains("nothing of this backup was kept and the store is as it was", refused.Message, StringComparison.Ordinal);
        // No half copy that could pass for a backup; the store still answers.
        Assert.False(File.Exists(destination));
        Assert.Equal(digest, store.Periods.RecomputeDigest(October));

        disk.Empty();
        store.BackupTo(destination);

        var verification = Sqlite.SqliteBackups.Verify(destination);
        Assert.True(verification.Ok, string.Join("; ", verification.Problems));
        Assert.Equal(digest, Assert.Single(verification.Periods).Digest);
    }
}
