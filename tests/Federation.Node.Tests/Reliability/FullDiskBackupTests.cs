using Federation.Node.Backup;
using Federation.Node.Configuration;
using Federation.Node.Security;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Store.Security;
using Federation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Reliability;

/// <summary>
/// R-5's monthly backup on a full disk (issue 25, item 4; docs/reliability.md): the backup
/// directory on a real tmpfs of its own (<see cref="SmallDisk"/>), full when the store's copy is
/// written and again when only the security database's is left to write. Each time the backup
/// fails naming the file and its disk, nothing of it is left in the directory (no copy without its
/// report, no partial), the month does not count as backed up, and the store still answers; once
/// there is space, the same backup is written and verified.
/// </summary>
public sealed class FullDiskBackupTests : IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly DateOnly November = new(2026, 11, 1);
    private readonly TempDirectory _directory = new();
    private readonly SqliteStore _store;
    private readonly SecurityPaths _paths;
    private readonly string _digest;

    public FullDiskBackupTests()
    {
        _store = SqliteStore.Open(new StoreOptions { Path = _directory.File("data/city.db"), NodeId = "city-440100" });
        using (var staging = _store.Staging.BeginStaging())
        {
            for (var i = 0; i < 2000; i++)
            {
                staging.Upsert(Dataset.Persons, [$"44010619900101{i:D4}", "张三", "1", "1990-01-01", "440106", "1", "440106", "1"]);
            }
            staging.Commit();
        }
        _digest = _store.Periods.Seal(new DateOnly(2026, 10, 31), new DateTimeOffset(2026, 11, 1, 9, 0, 0, Beijing)).Digest;
        _paths = new SecurityPaths(null, null, _directory.File("data/city.audit.key"), SecurityDatabase.PathFor(_store.Path));
        using var audit = AuditLog.Open(_paths.DatabasePath);
        // An audit log large enough that its copy does not fit where the store's just did.
        audit.Append([.. Enumerable.Range(0, 3000).Select(i => new AuditEntry(new DateTimeOffset(2026, 11, 1, 9, 0, 0, Beijing).AddSeconds(i), "account:tester", "",
            "/federation.v1.Verification/VerifyCertificate", "", "", "OK", "city-440100"))]);
    }

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    private MonthlyBackups Backups(string directory, TimeProvider time) => new(_store,
        new NodeIdentity(new NodeOptions { Id = "city-440100", Level = "city", DivisionCode = "440100" }, time),
        new BackupOptions { Directory = directory, DayOfMonth = 1, At = "02:00", Keep = 24 }, _paths, time,
        NullLogger<MonthlyBackups>.Instance);

    [Fact]
    public void Write_OnAFullDisk_FailsNamingTheFile_LeavesNothing_StoreAnswers_ThenWritesWithSpace()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 3, 0, 0, Beijing));
        // How large the store's copy is, measured on a disk with room.
        var measured = _directory.File("measure.db");
        _store.BackupTo(measured);
        var storeCopy = new FileInfo(measured).Length;
        using var disk = SmallDisk.Mount(_directory.File("backups"), 16);
        var backups = Backups(disk.Path, time);

        // Full at the store's copy, then with room for it but not for the security database's.
        foreach (var (leave, file) in new[] { (16L * 1024, "city-440100-2026-11.db"), (storeCopy + 128 * 1024, "city-440100-2026-11.security.db") })
        {
            disk.Fill(leave);

            var failed = Assert.Throws<BackupException>(() => backups.Write(November));

            Assert.Contains($"The backup {Path.Combine(disk.Path, file)}", failed.Message, StringComparison.Ordinal);
            Assert.Contains("was not written: the disk it is on is full (", failed.Message, StringComparison.Ordinal);
            Assert.Contains("nothing of this backup was kept", failed.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("44010619900101", failed.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Directory.GetFiles(disk.Path), f => !Path.GetFileName(f).StartsWith(".filler-", StringComparison.Ordinal));
            Assert.False(backups.Exists(November));
            Assert.Equal(_digest, _store.Periods.RecomputeDigest(new DateOnly(2026, 10, 31)));
            disk.Empty();
        }

        var report = backups.Write(November);

        Assert.True(backups.Exists(November));
        Assert.Equal(_digest, Assert.Single(report.Periods).Digest);
        Assert.Equal(3000, report.AuditEntries);
    }
}
