using System.Globalization;
using Federation.Node.Errors;
using Federation.Node.Host;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest;

/// <summary>
/// <c>federation.v1.Ingest</c>: export files uploaded by a client stream are spooled to a private
/// directory on disk (never held in memory), then imported exactly like the node-side
/// <c>ingest</c> command. The spool is deleted afterwards, whatever happens.
/// </summary>
internal sealed class IngestService(IStaging store, NodeIdentity identity, IngestDirectories directories, Sealing.IPeriodSealer sealer,
    NodeMetrics metrics, TimeProvider time, ILogger<IngestService> logger)
    : Protocol.V1.Ingest.IngestBase
{
    private const int MaxFileNameLength = 128;
    private const int SampleRejects = 100;

    public override async Task<UploadResult> Upload(IAsyncStreamReader<UploadChunk> requestStream, ServerCallContext context)
    {
        var spool = Directory.CreateDirectory(Path.Combine(directories.Uploads, Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var (files, sealAsOf, encoding) = await SpoolAsync(requestStream, spool, directories.MaxUploadBytes, context.CancellationToken);
            if (sealAsOf is { } requested && SealRules.FutureProblem(requested, time.GetUtcNow()) is { } future)
            {
                throw Invalid($"options.seal_as_of: {future}");
            }
            if (files.Count == 0)
            {
                throw Invalid("the upload contained no file; send a FileStart (e.g. persons.csv) before its data");
            }
            IReadOnlyList<(Dataset Dataset, string Path)> plan;
            try
            {
                plan = Importer.Plan(files);
            }
            catch (ImportException ex)
            {
                throw Invalid(ex.Message);
            }
            // Today is the node's clock's, on Beijing time, as for the seal rules above: what the
            // validator calls a date in the future is what a seal would refuse (a clock moved by
            // tests or by the operator moves both).
            var now = time.GetUtcNow();
            var rejectsPath = Path.Combine(directories.Rejects, $"rejects-{now.ToOffset(BeijingTime.Offset):yyyyMMdd-HHmmss}-{Path.GetFileName(spool)[..8]}.csv");
            var validator = new RecordValidator(DivisionTable.Default.JurisdictionOf(identity.DivisionCode), DivisionTable.Default, BeijingTime.Date(now));
            ImportResult result;
            try
            {
                result = await new Importer(store, validator, logger, encoding).ImportAsync(plan, rejectsPath, null, context.CancellationToken);
            }
            catch (ImportException ex)
            {
                throw Invalid(ex.Message + " Nothing was imported.");
            }
            foreach (var (dataset, counts) in result.Datasets)
            {
                metrics.RowsImported(dataset, counts.Accepted, counts.Rejected);
            }
            var response = new UploadResult
            {
                Read = result.Read,
                Accepted = result.Accepted,
                Changed = result.Changed,
                Rejected = result.Rejected,
                RejectsReport = rejectsPath,
                Seconds = result.Duration.TotalSeconds,
            };
            foreach (var (name, counts) in result.Datasets)
            {
                response.Datasets.Add(new DatasetResult { Dataset = name, Read = counts.Read, Accepted = counts.Accepted, Changed = counts.Changed, Rejected = counts.Rejected });
            }
            foreach (var line in File.ReadLines(rejectsPath).Skip(1).Take(SampleRejects))
            {
                var fields = Federation.Node.Ingest.ExportReader.SplitCsv(line, rejectsPath, 0);
                response.FirstRejects.Add(new RejectedRow { File = fields[0], Line = long.Parse(fields[1], CultureInfo.InvariantCulture), Field = fields[4], Reason = fields[5] });
            }
            if (sealAsOf is { } asOf)
            {
                try
                {
                    var manifest = sealer.Seal(asOf);
                    response.SealedPeriod = manifest.Period.ToString();
                    response.Digest = manifest.Digest;
                }
                catch (StoreException ex) when (StoreIntegrity.IsDiskFull(ex))
                {
                    // Not the upload's disk-full below: the import is in, only the period is not.
                    Errors.FaultLog.SealDiskFull(logger, asOf, ex.Message);
                    throw new LimitExceededException($"The import was committed ({result.Accepted} rows accepted), but sealing failed: {ex.Message}");
                }
                catch (StoreException ex)
                {
                    throw new PreconditionFailedException($"The import was committed, but sealing failed: {ex.Message}");
                }
            }
            return response;
        }
        catch (Exception ex) when (StoreIntegrity.IsDiskFull(ex))
        {
            // The spool, the rejects report or the store's transaction ran out of space: the
            // transaction rolled back whole (Importer), the spool goes below, and reads go on.
            Errors.FaultLog.ImportDiskFull(logger, ex.Message);
            throw new LimitExceededException(
                $"The node's disk is full ({ex.Message}): nothing of this upload was imported and the store is as it was; sealed periods are served as before. " +
                $"Free space on the disk of the store and the upload spool ({Path.GetDirectoryName(directories.Uploads)}), then upload again.");
        }
        finally
        {
            try
            {
                Directory.Delete(spool, recursive: true);
            }
            catch (IOException)
            {
                // Left for the next start's cleanup.
            }
        }
    }

    private static async Task<(List<string> Files, Period? SealAsOf, ExportEncoding Encoding)> SpoolAsync(IAsyncStreamReader<UploadChunk> requestStream, string spool, long maxBytes,
        CancellationToken cancellationToken)
    {
        long spooled = 0;
        var files = new List<string>();
        Period? sealAsOf = null;
        var encoding = ExportEncoding.Utf8;
        FileStream? current = null;
        var first = true;
        try
        {
            while (await requestStream.MoveNext(cancellationToken))
            {
                var chunk = requestStream.Current;
                switch (chunk.PartCase)
                {
                    case UploadChunk.PartOneofCase.Options:
                        if (!first)
                        {
                            throw Invalid("options must be the first message of the upload");
                        }
                        if (chunk.Options.SealAsOf.Length > 0)
                        {
                            sealAsOf = RequestFields.ParsePeriod(chunk.Options.SealAsOf, "options.seal_as_of");
                        }
                        try
                        {
                            encoding = ExportEncoding.Parse(chunk.Options.Encoding);
                        }
                        catch (ImportException ex)
                        {
                            throw Invalid("options.encoding: " + ex.Message);
                        }
                        break;
                    case UploadChunk.PartOneofCase.File:
                        var name = chunk.File.Name;
                        if (name.Length is 0 or > MaxFileNameLength || name != Path.GetFileName(name) || name.StartsWith('.'))
                        {
                            throw Invalid($"file.name '{name}' must be a plain file name (no directories), e.g. persons.csv");
                        }
                        if (current is not null)
                        {
                            await current.DisposeAsync();
                        }
                        var path = Path.Combine(spool, name);
                        if (files.Contains(path))
                        {
                            throw Invalid($"file.name '{name}' was sent twice");
                        }
                        files.Add(path);
                        current = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                        break;
                    case UploadChunk.PartOneofCase.Data:
                        if (current is null)
                        {
                            throw Invalid("data arrived before any FileStart naming its file");
                        }
                        spooled += chunk.Data.Length;
                        if (spooled > maxBytes)
                        {
                            throw new LimitExceededException(
                                $"the upload is larger than this node accepts ({maxBytes / 1048576} MiB, Ingest:MaxUploadMiB); split the export or ask the node's operator");
                        }
                        await current.WriteAsync(chunk.Data.Memory, cancellationToken);
                        break;
                    default:
                        throw Invalid("an upload message carried nothing");
                }
                first = false;
            }
        }
        finally
        {
            if (current is not null)
            {
                await current.DisposeAsync();
            }
        }
        return (files, sealAsOf, encoding);
    }

    private static InvalidRequestException Invalid(string message) => RequestFields.Invalid(message);
}

/// <summary>Where uploads are spooled (at most <paramref name="MaxUploadBytes"/> each) and rejects reports written.</summary>
internal sealed record IngestDirectories(string Uploads, string Rejects, long MaxUploadBytes = 4L << 30)
{
    /// <summary>
    /// Deletes what uploads interrupted by a crash or a kill left in the spool (personal data in
    /// files nobody will import); run at start-up, before the node takes calls.
    /// </summary>
    public int CleanSpool()
    {
        Directory.CreateDirectory(Uploads);
        if (!OperatingSystem.IsWindows())
        {
            // Whoever made it: the spool holds personal data.
            File.SetUnixFileMode(Uploads, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var left = Directory.GetDirectories(Uploads);
        foreach (var directory in left)
        {
            Directory.Delete(directory, recursive: true);
        }
        return left.Length;
    }
}
