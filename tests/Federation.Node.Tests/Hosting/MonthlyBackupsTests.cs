using System.Text.Json;
using Federation.Node.Backup;
using Federation.Node.Configuration;
using Federation.Node.Security;
using Federation.Store;
using Federation.Store.Security;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Hosting;

/// <summary>
/// R-5's monthly fixed backup: when it is due (Beijing time, catching up after downtime), what it
/// writes and verifies, how many it keeps, and the scheduler moving on a fake clock.
/// </summary>
public sealed class MonthlyBackupsTests : IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly TempDirectory _directory = new();
    private readonly SqliteStore _store;
    private readonly SecurityPaths _paths;

    public MonthlyBackupsTests()
    {
        _store = SqliteStore.Open(new StoreOptions { Path = _directory.File("data/city.db"), NodeId = "city-440100" });
        using (var staging = _store.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.Persons, ["11010519491231002X", "张三", "2", "1949-12-31", "110105", "2", "440106", "1"]);
            staging.Commit();
        }
        _store.Periods.Seal(new DateOnly(2026, 10, 31), new DateTimeOffset(2026, 11, 1, 9, 0, 0, Beijing));
        _paths = new SecurityPaths(null, null, _directory.File("data/city.audit.key"), SecurityDatabase.PathFor(_store.Path));
        using var audit = AuditLog.Open(_paths.DatabasePath);
        audit.Append([new AuditEntry(new DateTimeOffset(2026, 11, 1, 9, 0, 0, Beijing), "account:tester", "", "/federation.v1.Admin/GetNodeStatus", "", "", "OK", "city-440100")]);
        using var journal = Federation.Store.Sqlite.SqliteRegistrationJournal.Open(Federation.Store.Sqlite.SqliteRegistrationJournal.PathFor(_store.Path));
        journal.Record("city-440100", new DateTimeOffset(2026, 11, 1, 9, 0, 0, Beijing), null, null, _ => [1, 2, 3]);
    }

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    private MonthlyBackups Backups(TimeProvider time, int keep = 24) => new(_store,
        new NodeIdentity(new NodeOptions { Id = "city-440100", Level = "city", DivisionCode = "440100" }, time),
        new BackupOptions
        {
            Directory = _directory.File("data/backups"), DayOfMonth = 1, At = "02:00", Keep = keep,
            RegistrationJournalPath = Federation.Store.Sqlite.SqliteRegistrationJournal.PathFor(_store.Path),
        }, _paths, time,
        NullLogger<MonthlyBackups>.Instance);

    [Fact]
    public void Next_IsThisMonthsDueTime_OrAtOnceWhenMissed_OrNextMonthOnceWritten()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 1, 0, 0, Beijing));
        var backups = Backups(time);

        Assert.Equal((new DateOnly(2026, 12, 1), new DateTimeOffset(2026, 12, 1, 2, 0, 0, Beijing)), backups.Next(time.GetUtcNow()));
        var late = new DateTimeOffset(2026, 12, 5, 10, 0, 0, Beijing);
        Assert.Equal((new DateOnly(2026, 12, 1), late), backups.Next(late));
        backups.Write(new DateOnly(2026, 12, 1));
        Assert.Equal((new DateOnly(2027, 1, 1), new DateTimeOffset(2027, 1, 1, 2, 0, 0, Beijing)), backups.Next(late));
        // 2026-11-30 20:00 UTC is already 1 December in Beijing.
        Assert.Equal(new DateOnly(2026, 12, 1), MonthlyBackups.MonthOf(new DateTimeOffset(2026, 11, 30, 20, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Write_KeepsAVerifiedStoreAndSecurityCopyWithItsReport_OwnerOnly_AndPrunesBeyondKeep()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 3, 0, 0, Beijing));
        var backups = Backups(time, keep: 2);

        foreach (var month in new[] { new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1) })
        {
            backups.Write(month);
        }

        var files = Directory.GetFiles(_directory.File("data/backups")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal([
            "city-440100-2026-11.db", "city-440100-2026-11.json", "city-440100-2026-11.registration.db", "city-440100-2026-11.security.db",
            "city-440100-2026-12.db", "city-440100-2026-12.json", "city-440100-2026-12.registration.db", "city-440100-2026-12.security.db",
        ], files);
        using (var copy = Federation.Store.Sqlite.SqliteRegistrationJournal.Open(_directory.File("data/backups/city-440100-2026-12.registration.db")))
        {
            Assert.Equal([1, 2, 3], Assert.Single(copy.FeedAfter(0, 10)).Body);
        }
        using var report = JsonDocument.Parse(File.ReadAllText(_directory.File("data/backups/city-440100-2026-12.json")));
        var period = Assert.Single(report.RootElement.GetProperty("Periods").EnumerateArray());
        Assert.Equal(("2026-10-31", true), (period.GetProperty("Period").GetString(), period.GetProperty("Matches").GetBoolean()));
        Assert.Equal(1, report.RootElement.GetProperty("AuditEntries").GetInt64());
        Assert.Equal("city-440100-2026-12.registration.db", report.RootElement.GetProperty("Registration").GetString());
        Assert.Equal(64, report.RootElement.GetProperty("RegistrationSha256").GetString()!.Length);
        Assert.Equal(_store.Periods.GetManifest(new DateOnly(2026, 10, 31))!.Digest, period.GetProperty("Digest").GetString());
        Assert.True(SqliteBackups.Verify(_directory.File("data/backups/city-440100-2026-12.db")).Ok);
        foreach (var file in Directory.GetFiles(_directory.File("data/backups")))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Scheduler_WritesEachMonthsBackupWhenItsTimeComes_OnTheNodesClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 1, 0, 0, Beijing));
        var backups = Backups(time);
        var log = new EventLog<BackupScheduler>();
        using var scheduler = new BackupScheduler(backups, time, log);
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            // The scheduler says when it will wait until, then waits on the node's clock.
            await WaitUntilAsync(() => log.Count("BackupScheduled") == 1);
            Assert.False(backups.Exists(new DateOnly(2026, 12, 1)), "not before 02:00");

            time.Advance(TimeSpan.FromHours(1));
            await WaitUntilAsync(() => log.Count("BackupScheduled") == 2);
            Assert.True(backups.Exists(new DateOnly(2026, 12, 1)));
            Assert.False(backups.Exists(new DateOnly(2027, 1, 1)));

            time.Advance(new DateTimeOffset(2027, 1, 1, 2, 0, 0, Beijing) - time.GetUtcNow());
            await WaitUntilAsync(() => log.Count("BackupScheduled") == 3);
            Assert.True(backups.Exists(new DateOnly(2027, 1, 1)));
            Assert.Equal([new DateTimeOffset(2026, 12, 1, 2, 0, 0, Beijing), new DateTimeOffset(2027, 1, 1, 2, 0, 0, Beijing), new DateTimeOffset(2027, 2, 1, 2, 0, 0, Beijing)],
                log.Values("BackupScheduled", "Due").Cast<DateTimeOffset>());
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition) =>
        Poll.UntilAsync(condition, TimeSpan.FromSeconds(30), "the scheduler got there", TimeSpan.FromMilliseconds(50));

    /// <summary>Keeps the events logged, with their structured values.</summary>
    private sealed class EventLog<T> : Microsoft.Extensions.Logging.ILogger<T>
    {
        private readonly List<(string Event, IReadOnlyList<KeyValuePair<string, object?>> State)> _events = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_events)
            {
                _events.Add((eventId.Name ?? "", state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
            }
        }

        public int Count(string name)
        {
            lock (_events)
            {
                return _events.Count(e => e.Event == name);
            }
        }

        public List<object?> Values(string name, string key)
        {
            lock (_events)
            {
                return [.. _events.Where(e => e.Event == name).Select(e => e.State.First(p => p.Key == key).Value)];
            }
        }
    }
}
