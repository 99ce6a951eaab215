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
/// same files again changes nothing.
/// </summary>
internal sealed class Importer(FederationStore store, RecordValidator validator, ILogger logger)
{
    /// <summary>Resolves files and directories into (dataset, file) pairs in import order.</summary>
    public static IReadOnlyList<(Dataset Dataset, string Path)> Plan(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path).Where(f => DatasetOf(f) is not null).Order(StringComparer.Ordinal));
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

    public ImportResult Import(IReadOnlyList<(Dataset Dataset, string Path)> plan, string rejectsPath, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = new ImportResult { RejectsPath = rejectsPath };
        var errors = new List<(string Field, string Reason)>();
        using var staging = store.BeginStaging();
        using (var rejects = new RejectsWriter(rejectsPath))
        {
            foreach (var (dataset, path) in plan)
            {
                var counts = result.For(dataset.Name);
                IngestLog.FileStarted(logger, Path.GetFileName(path), dataset.Name);
                foreach (var record in ExportReader.Read(path))
                {
                    counts.Read++;
                    if ((counts.Read & 0x3FF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        progress?.Report(new ImportProgress(Path.GetFileName(path), counts.Read, counts.Rejected));
                    }
                    var values = validator.Validate(dataset, record, staging, errors);
                    if (values is null)
                    {
                        counts.Rejected++;
                        var key = record.Fields.TryGetValue(dataset.KeyColumn, out var k) ? k : "";
                        if (dataset.KeyColumn == "citizen_id")
                        {
                            key = CitizenId.Mask(key);
                        }
                        foreach (var (field, reason) in errors)
                        {
                            rejects.Write(new Reject(record.File, record.Line, dataset.Name, key, field, reason));
                        }
                        continue;
                    }
                    counts.Accepted++;
                    if (staging.Upsert(dataset, values))
                    {
                        counts.Changed++;
                    }
                }
                progress?.Report(new ImportProgress(Path.GetFileName(path), counts.Read, counts.Rejected));
                IngestLog.FileDone(logger, Path.GetFileName(path), counts.Read, counts.Accepted, counts.Changed, counts.Rejected);
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        staging.Commit();
        result.Duration = stopwatch.Elapsed;
        IngestLog.ImportCommitted(logger, result.Read, result.Accepted, result.Changed, result.Rejected, rejectsPath, result.Duration.TotalSeconds);
        return result;
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
