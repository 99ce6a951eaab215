using Federation.Node.Ingest;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Hosting;

/// <summary>
/// Node-side commands on the node's store, run on the node's machine with its config:
/// <c>ingest</c> (import production exports, optionally seal), <c>seal</c>, <c>periods</c>,
/// <c>backup</c>, <c>restore</c>. Exit codes: 0 done, 1 refused or failed, 2 bad usage or config.
/// </summary>
internal static class StoreCommands
{
    public static async Task<int> IngestAsync(NodeConfiguration config, IReadOnlyList<string> paths, Period? seal, string? rejectsPath, string? encodingName,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<(Dataset Dataset, string Path)> plan;
        ExportEncoding encoding;
        try
        {
            encoding = ExportEncoding.Parse(encodingName);
            plan = Importer.Plan(paths, out var skipped);
            if (skipped.Count > 0)
            {
                await Console.Error.WriteLineAsync($"Skipping {skipped.Count} file(s) whose names map to no dataset: {string.Join(", ", skipped.Select(Path.GetFileName))}. " +
                    $"An export file's name starts with its dataset: {string.Join(", ", Dataset.All.Select(d => d.Name))} (.csv or .jsonl).");
            }
        }
        catch (ImportException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
        await using var services = NodeServices.BuildForCommand(config);
        var store = services.GetRequiredService<IStaging>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Federation.Node.Ingest");
        var jurisdiction = DivisionTable.Default.JurisdictionOf(config.Node.DivisionCode);
        var validator = new RecordValidator(jurisdiction, DivisionTable.Default, DateOnly.FromDateTime(DateTime.Now));
        rejectsPath ??= Path.Combine(config.Ingest.RejectsDirectory, $"rejects-{DateTime.Now:yyyyMMdd-HHmmss}.csv");
        var interactive = !Console.IsErrorRedirected;
        var progress = new Progress<ImportProgress>(p =>
        {
            var line = $"{p.File}: {p.RowsRead:N0} rows, {p.Rejected:N0} rejected";
            Console.Error.Write(interactive ? "\r" + line.PadRight(60) : line + Environment.NewLine);
        });
        ImportResult result;
        try
        {
            result = await new Importer(store, validator, log, encoding).ImportAsync(plan, rejectsPath, progress, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync(Environment.NewLine + "Import cancelled; the store is unchanged.");
            return 1;
        }
        catch (ImportException ex)
        {
            // A file that cannot be read at all (empty, a column twice, a column the dataset lacks).
            await Console.Error.WriteLineAsync(Environment.NewLine + ex.Message + " Nothing was imported; the store is unchanged.");
            return 1;
        }
        if (interactive)
        {
            await Console.Error.WriteLineAsync();
        }
        Console.WriteLine($"{"dataset",-14} {"read",10} {"accepted",10} {"changed",10} {"rejected",10}");
        foreach (var (name, counts) in result.Datasets)
        {
            Console.WriteLine($"{name,-14} {counts.Read,10:N0} {counts.Accepted,10:N0} {counts.Changed,10:N0} {counts.Rejected,10:N0}");
        }
        Console.WriteLine($"{"total",-14} {result.Read,10:N0} {result.Accepted,10:N0} {result.Changed,10:N0} {result.Rejected,10:N0}");
        Console.WriteLine($"Rejects report: {result.RejectsPath}");
        Console.WriteLine($"Imported in {result.Duration.TotalSeconds:0.0} s ({result.Read / Math.Max(result.Duration.TotalSeconds, 0.001):N0} rows/s).");
        if (seal is { } asOf)
        {
            return Seal(services.GetRequiredService<Sealing.IPeriodSealer>(), asOf);
        }
        return 0;
    }

    /// <summary>Pulls the configured children's sealed snapshots (all, or one) into this node's store.</summary>
    public static async Task<int> PullAsync(NodeConfiguration config, string? childId, Period? period, CancellationToken cancellationToken)
    {
        var children = config.Node.Children.Where(c => childId is null || c.Id == childId).ToList();
        if (children.Count == 0)
        {
            await Console.Error.WriteLineAsync(childId is null ? "This node has no children (Children in its config)." : $"'{childId}' is not a child of this node; children: {string.Join(", ", config.Node.Children.Select(c => c.Id))}.");
            return 2;
        }
        await using var services = NodeServices.BuildForCommand(config);
        var coordinator = services.GetRequiredService<Exchange.Parent.PullCoordinator>();
        var failed = 0;
        foreach (var child in children)
        {
            try
            {
                var result = await coordinator.PullAsync(child, period, progress: null, cancellationToken);
                Console.WriteLine(result.AlreadyCurrent
                    ? $"{child.Id}: period {result.Period} already received (digest {result.Digest})."
                    : $"{child.Id}: period {result.Period} received{(result.Resumed ? " (resumed)" : "")}: {result.Records:N0} records, {result.Bytes / 1048576.0:0.0} MiB in {result.Duration.TotalSeconds:0.0} s, digest {result.Digest}.");
            }
            catch (Exchange.Parent.PullFailedException ex)
            {
                // Already logged and recorded on the child's link by the coordinator.
                failed++;
                await Console.Error.WriteLineAsync($"{child.Id}: pull failed — {ex.Message}");
            }
        }
        return failed == 0 ? 0 : 1;
    }

    public static int Seal(NodeConfiguration config, Period asOf)
    {
        using var services = NodeServices.BuildForCommand(config);
        return Seal(services.GetRequiredService<Sealing.IPeriodSealer>(), asOf);
    }

    /// <summary>
    /// Enterprise monitoring's summary of a survey month from a sealed period (default: the latest),
    /// as the GetEnterpriseSummary RPC answers it, printed as JSON — on the node's own machine.
    /// </summary>
    public static int Enterprises(NodeConfiguration config, string month, Period? period)
    {
        if (!EnterpriseMonitoring.TryParseMonth(month, out _))
        {
            Console.Error.WriteLine($"--month must be a survey month YYYY-MM from 1990 on, got '{month}'.");
            return 2;
        }
        using var services = NodeServices.BuildForCommand(config);
        var manifests = services.GetRequiredService<ISealedPeriods>().ListManifests();
        var manifest = period is { } wanted ? manifests.FirstOrDefault(m => m.Period == wanted) : manifests.Count > 0 ? manifests[^1] : null;
        if (manifest is null)
        {
            Console.Error.WriteLine(period is null ? "No sealed period yet." : $"Period {period} is not sealed; sealed: {string.Join(", ", manifests.Select(m => m.Period))}.");
            return 1;
        }
        if (string.CompareOrdinal(month, manifest.Period.LastCompleteMonth) > 0)
        {
            Console.Error.WriteLine($"Month {month} had not ended by the period {manifest.Period}: the snapshot holds reports up to {manifest.Period.LastCompleteMonth}.");
            return 2;
        }
        var figures = new Monitoring.EnterpriseSummaryCalculator(services.GetRequiredService<IIndicatorQueries>())
            .Compute(manifest.Period, month, Statistics.StatisticsService.DefaultWarnPercent, Statistics.StatisticsService.DefaultWarnPeople);
        var summary = Monitoring.EnterpriseSummaryMapping.ToProto(figures, manifest, Statistics.StatisticsService.DefaultWarnPercent, Statistics.StatisticsService.DefaultWarnPeople);
        Console.WriteLine(new Google.Protobuf.JsonFormatter(Google.Protobuf.JsonFormatter.Settings.Default.WithIndentation()).Format(summary));
        return 0;
    }

    /// <summary>Lists the sealed periods; with <paramref name="verify"/>, recomputes each one's digest from its records (exit 1 on a mismatch).</summary>
    public static int Periods(NodeConfiguration config, bool verify = false, string? export = null)
    {
        // Through the composition root, like the daemon: the same store options, logging (a schema
        // migration is logged) and checks.
        using var services = NodeServices.BuildForCommand(config);
        var store = services.GetRequiredService<ISealedPeriods>();
        var signatures = services.GetRequiredService<ISignedPeriods>();
        var manifests = store.ListManifests();
        if (export is not null)
        {
            var bundle = ExportSignedPeriods(config.Node, manifests, signatures, services.GetRequiredService<IChildTransfers>());
            File.WriteAllText(export, bundle.ToJson());
            Console.WriteLine($"Wrote {bundle.Signed.Count} signed period manifests and {bundle.Unsigned.Count} unsigned periods to {export}; check them with: fedctl periods verify {export} --ca <the deployment's ca.pem>");
            return 0;
        }
        if (manifests.Count == 0)
        {
            Console.WriteLine("No sealed periods.");
        }
        var mismatches = 0;
        foreach (var manifest in manifests)
        {
            var check = "";
            if (verify)
            {
                var ok = store.RecomputeDigest(manifest.AsOf) == manifest.Digest;
                mismatches += ok ? 0 : 1;
                check = ok ? "  verified" : "  MISMATCH: its records do not give this digest";
            }
            var signed = signatures.Find(config.Node.Id, manifest.Period) is null ? "unsigned (sealed before signed periods)" : "signed";
            Console.WriteLine($"{manifest.Period}  {manifest.TotalRecords,12:N0} records  digest {manifest.Digest}  sealed {manifest.SealedAt:yyyy-MM-dd HH:mm:ss zzz}  {signed}{check}");
        }
        if (mismatches > 0)
        {
            Console.Error.WriteLine($"{mismatches} sealed period(s) do not match their manifests.");
            return 1;
        }
        return 0;
    }

    // Everything signed this node holds, and the periods it holds unsigned (its own and its
    // children's, sealed before signed periods), so the verifier can tell a gap from a legacy link.
    // The operator console shows the same bundle, verified (Web/Operator/ConsoleBoard).
    internal static Federation.Shared.SignedPeriodBundle ExportSignedPeriods(NodeOptions node, IReadOnlyList<Manifest> manifests,
        ISignedPeriods signatures, IChildTransfers transfers)
    {
        var signed = signatures.List();
        var held = signed.Select(s => (s.NodeId, s.Period)).ToHashSet();
        var unsigned = manifests.Where(m => !held.Contains((node.Id, m.Period)))
            .Select(m => new Federation.Shared.BundledUnsignedPeriod(node.Id, m.Period.ToString(), m.Digest)).ToList();
        foreach (var child in node.Children)
        {
            unsigned.AddRange(transfers.ListChildManifests(child.Id).Where(m => !held.Contains((child.Id, m.Period)))
                .Select(m => new Federation.Shared.BundledUnsignedPeriod(child.Id, m.Period.ToString(), m.Digest)));
        }
        return new Federation.Shared.SignedPeriodBundle(Federation.Shared.SignedPeriodBundle.FormatName, node.Id,
            DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            [.. signed.Select(s => new Federation.Shared.BundledSignedPeriod(s.NodeId, s.Period.ToString(),
                Convert.ToBase64String(s.Statement), Convert.ToBase64String(s.Signature), Convert.ToBase64String(s.Certificate)))],
            unsigned);
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
        using var services = NodeServices.BuildForCommand(config);
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
        var verification = StoreBackups.Verify(destination);
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
        using var services = NodeServices.BuildForCommand(config);
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
            var drill = StoreBackups.Drill(backup, config.Node.Id, Path.GetDirectoryName(config.Store.Path)!);
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
            var restored = FederationStore.Restore(backup, config.Store.Path, config.Node.Id);
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

    private static int Seal(Sealing.IPeriodSealer sealer, Period asOf)
    {
        try
        {
            var manifest = sealer.Seal(asOf);
            Console.WriteLine($"Sealed period {manifest.Period}: {manifest.TotalRecords:N0} records, digest {manifest.Digest}.");
            foreach (var (dataset, count) in manifest.Counts)
            {
                Console.WriteLine($"  {dataset,-14} {count,12:N0}");
            }
            foreach (var source in manifest.Sources)
            {
                Console.WriteLine($"  from {source.ChildId}'s snapshot of {source.Period}{(source.Period == manifest.Period ? "" : " (late: the latest received)")}, digest {source.Digest}");
            }
            return 0;
        }
        catch (StoreException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }
}
