using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Federation.Store;
using Federation.Store.Security;
using Federation.Store.Sqlite;

namespace Federation.Node.Backup;

/// <summary>What one monthly backup holds and how it was verified (the report beside it, <c>&lt;name&gt;.json</c>).</summary>
internal sealed record BackupReport(string Node, string Month, DateTimeOffset WrittenAt, string Store, long StoreBytes, string StoreSha256,
    IReadOnlyList<PeriodCheck> Periods, string Security, long SecurityBytes, string SecuritySha256, long AuditEntries,
    string? Registration = null, long RegistrationBytes = 0, string? RegistrationSha256 = null);

/// <summary>
/// The monthly fixed backup (R-5): once a month (<see cref="BackupOptions"/>) the node writes a
/// consistent copy of its store and of its security database (accounts and the audit log) to
/// <c>&lt;node&gt;-YYYY-MM.db</c> and <c>&lt;node&gt;-YYYY-MM.security.db</c> (and the registration
/// service's journal, <c>&lt;node&gt;-YYYY-MM.registration.db</c>), verifies them as a
/// restore would read them — SQLite's integrity check, every sealed and received period against
/// its manifest's digest, the audit log's hash chain — and only then gives them their names and
/// writes the report. A backup that fails verification is deleted and reported; the next try
/// comes an hour later. The newest <see cref="BackupOptions.Keep"/> months are kept.
/// </summary>
internal sealed class MonthlyBackups(IStoreMaintenance store, NodeIdentity identity, BackupOptions options, Security.SecurityPaths paths,
    TimeProvider time, ILogger<MonthlyBackups> logger)
{
    /// <summary>Months are Beijing months and the due time is Beijing time.</summary>
    public static readonly TimeSpan Beijing = Federation.Standards.BeijingTime.Offset;

    private static readonly JsonSerializerOptions ReportJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Directory => options.Directory;

    public string NameOf(DateOnly month) => $"{identity.Id}-{month:yyyy-MM}";

    /// <summary>When the backup of <paramref name="month"/> (its first day) is due.</summary>
    public DateTimeOffset DueTime(DateOnly month) =>
        new DateTimeOffset(month.Year, month.Month, options.DayOfMonth, 0, 0, 0, Beijing) + options.TimeOfDay;

    /// <summary>The first day of the Beijing month <paramref name="now"/> falls in.</summary>
    public static DateOnly MonthOf(DateTimeOffset now)
    {
        var local = now.ToOffset(Beijing);
        return new DateOnly(local.Year, local.Month, 1);
    }

    /// <summary>Whether the backup of <paramref name="month"/> was written and verified.</summary>
    public bool Exists(DateOnly month) => File.Exists(Path.Combine(Directory, NameOf(month) + ".json"));

    /// <summary>
    /// When the next backup is due, and of which month: this month's if it is missing (at once if
    /// its time has passed — a node that was down on the day catches up), otherwise next month's.
    /// </summary>
    public (DateOnly Month, DateTimeOffset Due) Next(DateTimeOffset now)
    {
        var month = MonthOf(now);
        if (Exists(month))
        {
            month = month.AddMonths(1);
        }
        var due = DueTime(month);
        return (month, due < now ? now : due);
    }

    /// <summary>Writes, verifies and keeps the backup of <paramref name="month"/>; throws <see cref="BackupException"/> when it fails.</summary>
    public BackupReport Write(DateOnly month)
    {
        var stopwatch = Stopwatch.StartNew();
        System.IO.Directory.CreateDirectory(Directory);
        var name = NameOf(month);
        var storeFile = Path.Combine(Directory, name + ".db");
        var securityFile = Path.Combine(Directory, name + ".security.db");
        var storePartial = storeFile + ".partial";
        var securityPartial = securityFile + ".partial";
        var journalFile = Path.Combine(Directory, name + ".registration.db");
        var journalPartial = journalFile + ".partial";
        DeleteAll(storePartial, securityPartial, journalPartial); // left by an interrupted try
        var reportFile = Path.Combine(Directory, name + ".json");
        var writing = storeFile; // what a full disk stopped, for the message
        var named = false; // the copies have their final names
        var kept = false; // and the report that makes them a backup is written
        try
        {
            store.BackupTo(storePartial);
            var verification = SqliteBackups.Verify(storePartial);
            if (!verification.Ok)
            {
                throw new BackupException(string.Join("; ", verification.Problems));
            }
            long auditEntries = 0;
            if (File.Exists(paths.DatabasePath))
            {
                writing = securityFile;
                SecurityDatabase.BackupTo(paths.DatabasePath, securityPartial);
                using var audit = AuditLog.Open(securityPartial);
                var problems = audit.Verify();
                if (problems.Count > 0)
                {
                    throw new BackupException($"the audit log copy does not verify: {string.Join("; ", problems.Select(p => $"entry {p.Seq}: {p.Kind}, {p.Detail}"))}");
                }
                auditEntries = audit.Head().Seq;
            }
            else
            {
                File.WriteAllBytes(securityPartial, []);
            }
            var journal = options.RegistrationJournalPath is { } journalPath && File.Exists(journalPath);
            if (journal)
            {
                writing = journalFile;
                Federation.Store.Sqlite.SqliteRegistrationJournal.BackupTo(options.RegistrationJournalPath!, journalPartial);
                // Opened as a restore would open it: the schema is there and it answers.
                using var copy = Federation.Store.Sqlite.SqliteRegistrationJournal.Open(journalPartial);
                copy.FeedHead();
            }
            DeleteAll(storeFile, securityFile, journalFile);
            named = true;
            File.Move(storePartial, storeFile);
            File.Move(securityPartial, securityFile);
            if (journal)
            {
                File.Move(journalPartial, journalFile);
            }
            var report = new BackupReport(identity.Id, month.ToString("yyyy-MM", CultureInfo.InvariantCulture), time.GetUtcNow(),
                Path.GetFileName(storeFile), new FileInfo(storeFile).Length, Sha256(storeFile), verification.Periods,
                Path.GetFileName(securityFile), new FileInfo(securityFile).Length, Sha256(securityFile), auditEntries,
                journal ? Path.GetFileName(journalFile) : null, journal ? new FileInfo(journalFile).Length : 0, journal ? Sha256(journalFile) : null);
            writing = reportFile;
            File.WriteAllText(reportFile + ".partial", JsonSerializer.Serialize(report, ReportJson));
            File.Move(reportFile + ".partial", reportFile, overwrite: true);
            kept = true;
            SecurityDatabase.OwnerOnly(reportFile);
            BackupLog.Written(logger, name, verification.Periods.Count, report.StoreBytes + report.SecurityBytes, stopwatch.Elapsed.TotalSeconds);
            Prune();
            return report;
        }
        catch (Exception ex) when (ex is not StoreException && StoreIntegrity.IsDiskFull(ex))
        {
            Discard();
            throw new BackupException(StoreIntegrity.BackupDiskFull(Path.GetFullPath(writing), ex), ex);
        }
        catch (Exception ex) when (ex is StoreException or IOException or UnauthorizedAccessException)
        {
            Discard();
            throw new BackupException(ex.Message, ex);
        }
        catch (BackupException)
        {
            Discard();
            throw;
        }

        // Nothing of a failed backup stays: its partial copies, and the copies already named when
        // the report — what makes them a backup — could not be written (a full disk, say).
        void Discard()
        {
            DeleteAll(storePartial, securityPartial, journalPartial, reportFile + ".partial");
            if (named && !kept)
            {
                // An earlier report of this month would describe copies that are gone.
                DeleteAll(storeFile, securityFile, journalFile, reportFile);
            }
        }
    }

    /// <summary>Deletes the oldest monthly backups beyond <see cref="BackupOptions.Keep"/>; returns their names.</summary>
    public IReadOnlyList<string> Prune()
    {
        var prefix = identity.Id + "-";
        var months = System.IO.Directory.EnumerateFiles(Directory, prefix + "*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .Where(n => DateOnly.TryParseExact(n[prefix.Length..] + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .OrderDescending(StringComparer.Ordinal)
            .ToList();
        var removed = months.Skip(options.Keep).ToList();
        foreach (var name in removed)
        {
            // The report goes last: a backup without its report is not counted, one with is whole.
            DeleteAll(Path.Combine(Directory, name + ".db"), Path.Combine(Directory, name + ".security.db"), Path.Combine(Directory, name + ".registration.db"),
                Path.Combine(Directory, name + ".json"));
            BackupLog.Pruned(logger, name, options.Keep);
        }
        return removed;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void DeleteAll(params string[] files)
    {
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }
}

/// <summary>A monthly backup that could not be written or did not verify.</summary>
internal sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);
