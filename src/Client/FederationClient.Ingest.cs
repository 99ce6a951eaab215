using Federation.Protocol.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Federation.Client;

// The calls of the ingest service: uploading export files.
public sealed partial class FederationClient
{
    private const int UploadChunkSize = 1024 * 1024;

    /// <summary>
    /// Uploads export files (persons.csv, employment.jsonl, … or directories of them) to a city
    /// node, which imports them in one transaction and optionally seals the period as of
    /// <paramref name="sealAsOf"/> (YYYY-MM-DD). Not retried: cancel and call again.
    /// </summary>
    public Task<UploadResult> UploadAsync(IEnumerable<string> paths, string? sealAsOf = null, IProgress<UploadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        UploadAsync(paths, new UploadOptions { SealAsOf = sealAsOf ?? "" }, progress, cancellationToken);

    /// <summary>
    /// As <see cref="UploadAsync(IEnumerable{string}, string?, IProgress{UploadProgress}?, CancellationToken)"/>
    /// with every upload option: the period to seal and the CSV files' encoding (<c>utf-8</c>, the
    /// default, or <c>gb18030</c>).
    /// </summary>
    public async Task<UploadResult> UploadAsync(IEnumerable<string> paths, UploadOptions options, IProgress<UploadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        CheckDate(options.SealAsOf.Length == 0 ? null : options.SealAsOf, "sealAsOf");
        var files = ExpandFiles(paths);
        var total = files.Sum(f => new FileInfo(f).Length);
        // An upload may take long; its deadline scales with the data (at least 1 MiB/s).
        var deadline = DateTime.UtcNow + _options.DefaultDeadline + TimeSpan.FromSeconds(total / (1024.0 * 1024.0));
        using var call = new Ingest.IngestClient(_channel).Upload(new CallOptions(_headers, deadline, cancellationToken));
        try
        {
            if (!options.Equals(new UploadOptions()))
            {
                await call.RequestStream.WriteAsync(new UploadChunk { Options = options }, cancellationToken).ConfigureAwait(false);
            }
            var buffer = new byte[UploadChunkSize];
            long sent = 0;
            foreach (var file in files)
            {
                await call.RequestStream.WriteAsync(new UploadChunk { File = new FileStart { Name = Path.GetFileName(file), Size = new FileInfo(file).Length } }, cancellationToken).ConfigureAwait(false);
                var stream = File.OpenRead(file);
                await using (stream.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        // CopyFrom copies: the buffer is reused for the next chunk.
                        await call.RequestStream.WriteAsync(new UploadChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken).ConfigureAwait(false);
                        sent += read;
                        progress?.Report(new UploadProgress(Path.GetFileName(file), sent, total));
                    }
                }
            }
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            // A write fails when the node has already ended the call (a full disk, a refused
            // file): the write itself may only say Cancelled, the node's status is the story.
            throw new FederationException("upload", Address, await NodeStatusAsync(call.ResponseAsync, ex).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// The node's own status of a client-streaming call whose write (or response) failed with
    /// <paramref name="failed"/>: the response carries it once the call has ended.
    /// </summary>
    internal static async Task<RpcException> NodeStatusAsync<TResponse>(Task<TResponse> response, RpcException failed)
    {
        try
        {
            await response.ConfigureAwait(false);
            return failed;
        }
        catch (RpcException answer)
        {
            return answer;
        }
    }

    private static List<string> ExpandFiles(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
                    .Where(f => !Path.GetFileName(f).StartsWith("defects", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(f).StartsWith("rejects", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new ArgumentException($"{path} does not exist.", nameof(paths));
            }
        }
        return files.Count > 0 ? files : throw new ArgumentException("No export files to upload (*.csv, *.jsonl).", nameof(paths));
    }
}
