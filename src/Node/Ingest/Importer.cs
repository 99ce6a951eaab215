using System.Diagnostics;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest;

/// <summary>
/// The city's interface program (就业信息接口程序, R-6): loads production-system exports — one file
/// per dataset, named after it (<c>persons.csv</c>, <c>employment.jsonl</c>, …) — validates every
/// row, stages the good ones by natural key and reports the bad ones. Files are imported in the
/// standard's dependency order (persons before their registrations), all in one store
/// transaction: a crash or a cancellation leaves the store exactly as it was, and importing the
/// same files again changes nothing. CSV files are read in <paramref name="encoding"/> (default
/// UTF-8); a file that is not valid in it stops the import before anything is staged.
/// </summary>
internal sealed class Importer(IStaging store, RecordValidator validator, ILogger logger, ExportEncoding? encoding = null)
{
    /// <summary>Resolves files and directories into (dataset, file) pairs in import order.</summary>
    public static IReadOnlyList<(Dataset Dataset, string Path)> Plan(IEnumerable<string> paths) => Plan(paths, out _);

    /// <summary>
    /// As <see cref="Plan(IEnumerable{string})"/>; <paramref name="skipped"/> lists the files of the
    /// given directories whose names map to no dataset, so that the caller can say so before
    /// importing (a misnamed persons file would otherwise make every registration "name no person").
    /// </summary>
    public static IReadOnlyList<(Dataset Dataset, string Path)> Plan(IEnumerable<string> paths, out IReadOnlyList<string> skipped)
    {
        var files = new List<string>();
        var unknown = new List<string>();
        skipped = unknown;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var all = Directory.EnumerateFiles(path).Order(StringComparer.Ordinal).ToList();
                files.AddRange(all.Where(f => DatasetOf(f) is not null));
                unknown.AddRange(all.Where(f => DatasetOf(f) is null));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new ImportException($"{path} does not exist.");
            }
        }
        if (files.Count == 0)
        {
            throw new ImportException($"No export files found; name them after their dataset: {string.Join(", ", Dataset.All.Select(d => d.Name + ".csv|.jsonl"))}.");
        }
        var plan = files.Select(f => (Dataset: DatasetOf(f) ?? throw new ImportException(
                $"Cannot tell the dataset of {Path.GetFileName(f)}: the file name must start with one of {string.Join(", ", Dataset.All.Select(d => d.Name))}."), Path: f))
            .OrderBy(p => IndexOf(p.Dataset)).ThenBy(p => p.Path, StringComparer.Ordinal).ToList();
        return plan;
    }

    // Rows travel from the reader to the writer in batches; at most BatchCapacity batches wait,
    // so memory stays bounded whatever the input size.
    private const int BatchSize = 512;
    private const int BatchCapacity = 16;

    /// <summary>
    /// Imports the planned files. Two threads share the work: the reader parses each row and runs
    /// the checks that need only the row; the writer (this thread, which owns the transaction)
    /// runs the checks against the staged data, upserts good rows and reports bad ones, in file
    /// order — so a person imported earlier in the same run is visible to their registrations.
    /// </summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<(Dataset Dataset, string Path)> plan, string rejectsPath, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = new ImportResult { RejectsPath = rejectsPath };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = System.Threading.Channels.Channel.CreateBounded<Batch>(new System.Threading.Channels.BoundedChannelOptions(BatchCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var reader = Task.Run(() => ReadAndValidateAsync(plan, channel.Writer, stop.Token), stop.Token);
        try
        {
            using var staging = store.BeginStaging();
            // Where each enterprise report of this export was first accepted: a second identical row
            // is the export's fault and is listed (DOMAIN.md); a report re-delivered by a later export
            // still changes nothing.
            var reportsSeen = new Dictionary<string, (string File, long Line)>(StringComparer.Ordinal);
            using (var rejects = new RejectsWriter(rejectsPath))
            {
                string? currentFile = null;
                DatasetCounts? counts = null;
                while (await channel.Reader.WaitToReadAsync(stop.Token))
                {
                    while (channel.Reader.TryRead(out var batch))
                    {
                        if (batch.Path != currentFile)
                        {
                            if (currentFile is not null)
                            {
                                FinishFile(currentFile, counts!, progress);
                            }
                            currentFile = batch.Path;
                            counts = result.For(batch.Dataset.Name);
                            IngestLog.FileStarted(logger, Path.GetFileName(batch.Path), batch.Dataset.Name);
                        }
                        stop.Token.ThrowIfCancellationRequested();
                        WriteBatch(batch, staging, rejects, counts!, reportsSeen);
                        progress?.Report(new ImportProgress(Path.GetFileName(batch.Path), counts!.Read, counts.Rejected));
                    }
                }
                if (currentFile is not null)
                {
                    FinishFile(currentFile, counts!, progress);
                }
            }
            await reader; // surfaces the reader's exceptions
            cancellationToken.ThrowIfCancellationRequested();
            staging.Commit();
        }
        catch
        {
            stop.Cancel();
            try
            {
                await reader;
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The reader stopped because we did.
            }
            throw;
        }
        result.Duration = stopwatch.Elapsed;
        IngestLog.ImportCommitted(logger, result.Read, result.Accepted, result.Changed, result.Rejected, rejectsPath, result.Duration.TotalSeconds);
        return result;
    }

    private void FinishFile(string path, DatasetCounts counts, IProgress<ImportProgress>? progress)
    {
        progress?.Report(new ImportProgress(Path.GetFileName(path), counts.Read, counts.Rejected));
        IngestLog.FileDone(logger, Path.GetFileName(path), counts.Read, counts.Accepted, counts.Changed, counts.Rejected);
    }

    private static void WriteBatch(Batch batch, IStagingTransaction staging, RejectsWriter rejects, DatasetCounts counts,
        Dictionary<string, (string File, long Line)> reportsSeen)
    {
        var dataset = batch.Dataset;
        foreach (var item in batch.Items)
        {
            counts.Read++;
            if (item.Values is not null)
            {
                RecordValidator.CheckAgainstStaged(dataset, item.Values, staging, item.Errors);
            }
            if (dataset == Dataset.EnterpriseReports && item.Values is not null && item.Errors.Count == 0)
            {
                if (reportsSeen.TryGetValue(item.Values[0], out var first))
                {
                    item.Errors.Add(("report_id", $"duplicate row: the same report as {Path.GetFileName(first.File)} line {first.Line}; an export lists each report once"));
                }
                else
                {
                    reportsSeen[item.Values[0]] = (item.Record.File, item.Record.Line);
                }
            }
            if (item.Errors.Count > 0 || item.Values is null)
            {
                counts.Rejected++;
                var key = item.Record.Fields.TryGetValue(dataset.KeyColumn, out var k) ? k : "";
                // Citizen IDs and certificate numbers are personal: masked (docs/security.md).
                if (dataset.KeyColumn is "citizen_id" or "certificate_number")
                {
                    key = CitizenId.Mask(key);
                }
                foreach (var (field, reason) in item.Errors)
                {
                    rejects.Write(new Reject(item.Record.File, item.Record.Line, dataset.Name, key, field, reason));
                }
                continue;
            }
            counts.Accepted++;
            if (staging.Upsert(dataset, item.Values))
            {
                counts.Changed++;
            }
        }
    }

    private async Task ReadAndValidateAsync(IReadOnlyList<(Dataset Dataset, string Path)> plan, System.Threading.Channels.ChannelWriter<Batch> output, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (dataset, path) in plan)
            {
                var batch = new Batch(dataset, path);
                foreach (var record in ExportReader.Read(path, dataset, encoding))
                {
                    var errors = new List<(string Field, string Reason)>();
                    var values = validator.Validate(dataset, record, errors);
                    batch.Items.Add(new Item(record, values, errors));
                    if (batch.Items.Count == BatchSize)
                    {
                        await output.WriteAsync(batch, cancellationToken);
                        batch = new Batch(dataset, path);
                    }
                }
                await output.WriteAsync(batch, cancellationToken); // possibly empty: marks the file
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
            throw;
        }
    }

    private sealed record Item(SourceRecord Record, string[]? Values, List<(string Field, string Reason)> Errors);

    private sealed class Batch(Dataset dataset, string path)
    {
        public Dataset Dataset { get; } = dataset;
        public string Path { get; } = path;
        public List<Item> Items { get; } = new(BatchSize);
    }

    private static int IndexOf(Dataset dataset) => Dataset.All.ToList().IndexOf(dataset);

    private static Dataset? DatasetOf(string path)
    {
        var name = Path.GetFileName(path);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension is not (".csv" or ".jsonl" or ".ndjson"))
        {
            return null;
        }
        // persons.csv, persons-2026-10.csv, persons_part2.jsonl …
        var stem = name[..name.IndexOf('.', StringComparison.Ordinal)].ToLowerInvariant();
        return Dataset.All.FirstOrDefault(d => stem == d.Name || stem.StartsWith(d.Name + "-", StringComparison.Ordinal) || stem.StartsWith(d.Name + "_", StringComparison.Ordinal));
    }
}
