using System.CommandLine;
using Federation.Node.Host;
using Federation.Node.Ingest;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Commands;

/// <summary>
/// Node-side commands on the node's store, run on the node's machine with its config:
/// <c>ingest</c> (import production exports, optionally seal), <c>seal</c>, <c>periods</c>,
/// <c>enterprises</c>. Exit codes: 0 done, 1 refused or failed, 2 bad usage or config.
/// </summary>
internal static class StoreCommands
{
    public static Command IngestCommand(Option<FileInfo> configOption)
    {
        var pathsArgument = new Argument<string[]>("paths") { Description = "Export files (persons.csv, employment.jsonl, …) or directories holding them.", Arity = ArgumentArity.OneOrMore };
        var sealOption = new Option<string?>("--seal") { Description = "After importing, seal the period as of this date (YYYY-MM-DD)." };
        var rejectsOption = new Option<FileInfo?>("--rejects") { Description = "Where to write the rejects report (default: Ingest:RejectsDirectory/rejects-<time>.csv)." };
        var encodingOption = new Option<string>("--encoding")
        {
            Description = "The CSV files' character encoding: utf-8 (default) or gb18030 (also GBK, GB 2312). Never guessed: a file not valid in it is refused. JSON Lines is always UTF-8.",
            DefaultValueFactory = _ => "utf-8",
        };
        var ingest = new Command("ingest", "Import production-system exports into the node's staged data; bad rows go to a rejects report.")
        {
            pathsArgument, sealOption, rejectsOption, encodingOption,
        };
        ingest.SetAction((parse, cancellationToken) => CommandRunner.WithConfigAndPeriodAsync(parse, configOption, sealOption, (config, seal) =>
            IngestAsync(config, parse.GetRequiredValue(pathsArgument), seal, parse.GetValue(rejectsOption)?.FullName, parse.GetValue(encodingOption), cancellationToken)));
        return ingest;
    }

    public static Command SealCommand(Option<FileInfo> configOption)
    {
        var asOfOption = new Option<string?>("--as-of") { Description = "The period's as-of date, YYYY-MM-DD (e.g. 2026-10-31 or 2026-11-15).", Required = true };
        var seal = new Command("seal", "Seal the staged data as the period snapshot as of a date (immutable afterwards).") { asOfOption };
        seal.SetAction((parse, _) => CommandRunner.WithConfigAndPeriodAsync(parse, configOption, asOfOption, (config, asOf) => Task.FromResult(Seal(config, asOf!.Value))));
        return seal;
    }

    public static Command PeriodsCommand(Option<FileInfo> configOption)
    {
        var verifyPeriodsOption = new Option<bool>("--verify") { Description = "Recompute every period's digest from its records and compare it with the manifest (exit 1 on a mismatch)." };
        var exportPeriodsOption = new Option<string?>("--export") { Description = "Write every signed period manifest this node holds (its own and, at a parent, those from below) to this file, for fedctl periods verify." };
        var periods = new Command("periods", "List the sealed periods with their record counts, digests and signatures.") { verifyPeriodsOption, exportPeriodsOption };
        periods.SetAction((parse, _) => CommandRunner.WithConfig(parse, configOption, config => Periods(config, parse.GetValue(verifyPeriodsOption), parse.GetValue(exportPeriodsOption))));
        return periods;
    }

    public static Command EnterprisesCommand(Option<FileInfo> configOption)
    {
        var monthOption = new Option<string>("--month") { Description = "Survey month, YYYY-MM.", Required = true };
        var summaryPeriodOption = new Option<string?>("--period") { Description = "The sealed period to read, YYYY-MM-DD (default: the latest)." };
        var enterprises = new Command("enterprises", "Print enterprise monitoring's summary of a survey month from a sealed period, as JSON (what GetEnterpriseSummary answers).")
        {
            monthOption, summaryPeriodOption,
        };
        enterprises.SetAction((parse, _) => CommandRunner.WithConfigAndPeriodAsync(parse, configOption, summaryPeriodOption, (config, period) =>
            Task.FromResult(Enterprises(config, parse.GetValue(monthOption)!, period))));
        return enterprises;
    }

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
        await using var services = NodeComposition.BuildForCommand(config);
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

    public static int Seal(NodeConfiguration config, Period asOf)
    {
        using var services = NodeComposition.BuildForCommand(config);
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
        using var services = NodeComposition.BuildForCommand(config);
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
        using var services = NodeComposition.BuildForCommand(config);
        var store = services.GetRequiredService<ISealedPeriods>();
        var signatures = services.GetRequiredService<ISignedPeriods>();
        var manifests = store.ListManifests();
        if (export is not null)
        {
            var bundle = Exchange.Signing.SignedPeriodExport.Build(config.Node, manifests, signatures, services.GetRequiredService<IChildTransfers>());
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
