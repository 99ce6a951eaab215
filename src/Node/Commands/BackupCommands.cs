using System.CommandLine;
using Federation.Node.Host;
using Federation.Store;
using Federation.Store.Sqlite;

namespace Federation.Node.Commands;

/// <summary>
/// <c>backup</c> and <c>restore</c> (R-5): a consistent, verified copy of the node's SQLite store,
/// the monthly backup now, the restore drill, and a restore after checking the backup whole.
/// </summary>
internal static class BackupCommands
{
    public static Command BackupCommand(Option<FileInfo> configOption)
    {
        var backupFileArgument = new Argument<FileInfo?>("file") { Description = "A new file for an ad-hoc copy of the store.", Arity = ArgumentArity.ZeroOrOne };
        var monthlyOption = new Option<bool>("--monthly") { Description = "Write this month's fixed backup (store and security database, verified, with its report) into Backup:Directory now." };
        var backup = new Command("backup", "Write a consistent, verified copy of the node's store (R-5): to a file, or --monthly as the schedule does.") { backupFileArgument, monthlyOption };
        backup.SetAction(async (parse, _) =>
        {
            var file = parse.GetValue(backupFileArgument);
            var monthly = parse.GetValue(monthlyOption);
            if (file is null == !monthly)
            {
                await Console.Error.WriteLineAsync("Give either a file for an ad-hoc copy or --monthly, not both or neither.");
                return 2;
            }
            return await CommandRunner.WithConfig(parse, configOption, config => monthly ? BackupMonthly(config) : Backup(config, file!.FullName));
        });
        return backup;
    }

    public static Command RestoreCommand(Option<FileInfo> configOption)
    {
        var fileArgument = new Argument<FileInfo>("file") { Description = "The backup file." };
        var verifyOption = new Option<bool>("--verify") { Description = "The restore drill: restore a copy, check every period against its manifest, report; change nothing." };
        var restore = new Command("restore", "Replace the node's store with a backup after checking it whole (stop the node first); --verify only checks.") { fileArgument, verifyOption };
        restore.SetAction((parse, _) => CommandRunner.WithConfig(parse, configOption, config =>
            Restore(config, parse.GetRequiredValue(fileArgument).FullName, parse.GetValue(verifyOption))));
        return restore;
    }

    // Backups of a PostgreSQL store are PostgreSQL's (pg_dump / pg_basebackup): the node's own
    // backup commands work on SQLite files.
    private static bool RefusePostgres(NodeConfiguration config, string command)
    {
        if (!config.Store.IsPostgres)
        {
            return false;
        }
        Console.Error.WriteLine($"`{command}` works on a SQLite store; this node's store is on PostgreSQL ({config.Store.Provider}). Use pg_dump -Fc and pg_restore, or pg_basebackup with WAL archiving (docs/operations.md, \"Backups\").");
        return true;
    }


    public static int Backup(NodeConfiguration config, string destination)
    {
        if (RefusePostgres(config, "backup"))
        {
            return 1;
        }
        // Through the composition root, like the daemon: the same store options, logging (a schema
        // migration is logged) and checks.
        using var services = NodeComposition.BuildForCommand(config);
        var store = services.GetRequiredService<IStoreMaintenance>();
        try
        {
            store.BackupTo(destination);
        }
        catch (StoreException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        var verification = SqliteBackups.Verify(destination);
        if (!verification.Ok)
        {
            File.Delete(destination);
            Console.Error.WriteLine($"The backup did not verify and was deleted: {string.Join("; ", verification.Problems)}");
            return 1;
        }
        Console.WriteLine($"Backed up {config.Store.Path} to {Path.GetFullPath(destination)}; verified {verification.Periods.Count} period(s) against their manifests.");
        return 0;
    }

    /// <summary>Writes this month's fixed backup now (as the schedule would), verified, with its report.</summary>
    public static int BackupMonthly(NodeConfiguration config)
    {
        if (RefusePostgres(config, "backup --monthly"))
        {
            return 1;
        }
        using var services = NodeComposition.BuildForCommand(config);
        var backups = services.GetRequiredService<Federation.Node.Backup.MonthlyBackups>();
        var month = Federation.Node.Backup.MonthlyBackups.MonthOf(services.GetRequiredService<TimeProvider>().GetUtcNow());
        try
        {
            var report = backups.Write(month);
            Console.WriteLine($"Wrote {Path.Combine(backups.Directory, report.Store)} and {report.Security}: {report.Periods.Count} period(s) and {report.AuditEntries:N0} audit entries verified; report {backups.NameOf(month)}.json.");
            return 0;
        }
        catch (Federation.Node.Backup.BackupException ex)
        {
            Console.Error.WriteLine($"The monthly backup failed: {ex.Message}. Nothing was kept.");
            return 1;
        }
    }

    /// <summary>
    /// Restores the store from a backup — or, with <paramref name="verifyOnly"/>, runs the restore
    /// drill on a copy and reports, changing nothing. A backup's security database
    /// (<c>&lt;name&gt;.security.db</c> beside it) is restored with it.
    /// </summary>
    public static int Restore(NodeConfiguration config, string backup, bool verifyOnly)
    {
        if (RefusePostgres(config, "restore"))
        {
            return 1;
        }
        var security = Path.ChangeExtension(backup, null) + ".security.db";
        if (verifyOnly)
        {
            var drill = SqliteBackups.Drill(backup, config.Node.Id, Path.GetDirectoryName(config.Store.Path)!);
            foreach (var period in drill.Periods)
            {
                Console.WriteLine($"  {(period.Source.Length == 0 ? "sealed" : period.Source),-16} {period.Period}  {(period.Matches ? "ok" : "MISMATCH")}  {period.Digest}");
            }
            if (!drill.Ok)
            {
                Console.Error.WriteLine($"Restore drill failed for {Path.GetFullPath(backup)}: {string.Join("; ", drill.Problems)}");
                return 1;
            }
            Console.WriteLine($"Restore drill passed: {Path.GetFullPath(backup)} restores as schema v{drill.SchemaVersion} with {drill.Periods.Count} period(s) matching their manifests" +
                (File.Exists(security) && new FileInfo(security).Length > 0 ? $"; {Path.GetFileName(security)} beside it would be restored too." : ".") + " Nothing was changed.");
            return 0;
        }
        try
        {
            var restored = SqliteStore.Restore(backup, config.Store.Path, config.Node.Id);
            Console.WriteLine($"Restored {config.Store.Path} from {Path.GetFullPath(backup)} ({restored.Periods.Count} period(s) verified).");
        }
        catch (StoreException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        if (File.Exists(security) && new FileInfo(security).Length > 0)
        {
            File.Copy(security, config.SecurityPaths.DatabasePath + ".restore", overwrite: true);
            File.Delete(config.SecurityPaths.DatabasePath + "-wal");
            File.Delete(config.SecurityPaths.DatabasePath + "-shm");
            File.Move(config.SecurityPaths.DatabasePath + ".restore", config.SecurityPaths.DatabasePath, overwrite: true);
            Federation.Store.Security.SecurityDatabase.OwnerOnly(config.SecurityPaths.DatabasePath);
            Console.WriteLine($"Restored accounts and the audit log from {Path.GetFileName(security)}: entries written after the backup are gone, and the parent's witness will report the shorter chain.");
        }
        var journal = Path.ChangeExtension(backup, null) + ".registration.db";
        if (File.Exists(journal))
        {
            // Not restored over the live journal: the parent has already received this node's feed
            // beyond the backup, and a feed that went back in time would reuse sequence numbers the
            // parent has seen (it refuses to follow a feed behind its cursor). The copy is kept for
            // the operator to reconcile from (docs/registration.md, "Restoring").
            var kept = config.RegistrationJournalPath + ".from-backup";
            File.Copy(journal, kept, overwrite: true);
            Federation.Store.Security.SecurityDatabase.OwnerOnly(kept);
            Console.WriteLine($"The registration journal in the backup was copied to {kept}, not over the live journal (see docs/registration.md, \"Restoring\").");
        }
        return 0;
    }
}
