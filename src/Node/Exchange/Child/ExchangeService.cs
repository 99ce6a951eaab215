using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Store;

namespace Federation.Node.Exchange.Child;

/// <summary>
/// <c>federation.v1.Exchange</c>, the child's side: the transmitter of the pull. The manifest of a
/// sealed period, and the snapshot in bounded chunks — the manifest (unless the parent has it
/// already: <c>without_manifest</c>), the record batches of the <see cref="SnapshotSource"/> with
/// their resume cursors, paced to Exchange:MaxSendKiBPerSecond, then the end. Memory is bounded by
/// one batch: each write waits for HTTP/2 flow control before the next batch is read.
/// </summary>
internal sealed class ExchangeService(SnapshotSource source, Federation.Store.Security.AuditLog audit,
    Microsoft.Extensions.Options.IOptions<ExchangeOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, SnapshotStreamLimit streams) : Protocol.V1.Exchange.ExchangeBase
{
    public override Task<AuditHeadResponse> GetAuditHead(GetAuditHeadRequest request, ServerCallContext context)
    {
        var head = audit.Head();
        return Task.FromResult(new AuditHeadResponse
        {
            Seq = head.Seq,
            Hash = head.Hash,
            HashAtSeq = request.AtSeq > 0 ? audit.HashAt(request.AtSeq) ?? "" : "",
        });
    }

    // The live witness: how often the head is re-read from the database (it also changes behind the
    // node's back, which no in-process signal would show), and the entries per update.
    internal static readonly TimeSpan AuditWatchPoll = TimeSpan.FromSeconds(1);
    internal const int DefaultAuditEntriesPerUpdate = 256;
    internal const int MaxAuditEntriesPerUpdate = 1000;

    public override async Task WatchAuditHead(WatchAuditHeadRequest request, IServerStreamWriter<AuditHeadUpdate> responseStream, ServerCallContext context)
    {
        var perUpdate = request.MaxEntries == 0 ? DefaultAuditEntriesPerUpdate : request.MaxEntries;
        if (perUpdate is < 1 or > MaxAuditEntriesPerUpdate)
        {
            throw new InvalidRequestException($"max_entries is {request.MaxEntries}; it must be 0 (default) or 1 … {MaxAuditEntriesPerUpdate}");
        }
        if (request.AfterSeq < 0 || (request.AfterHash.Length == 0 && request.AfterSeq != 0))
        {
            throw new InvalidRequestException($"after_seq is {request.AfterSeq}; it must be 0 or more, and 0 when after_hash is empty (no head witnessed yet)");
        }
        // The stream ends when the parent goes or this node starts stopping (the parent reopens it).
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var stop = stopping.Token;
        var cursor = request.AfterSeq;
        Federation.Store.Security.AuditHead? sent = null;
        if (request.AfterHash.Length == 0)
        {
            // Nothing witnessed yet: the head alone is the baseline.
            sent = audit.Head();
            await responseStream.WriteAsync(new AuditHeadUpdate { HeadSeq = sent.Seq, HeadHash = sent.Hash, AfterSeq = sent.Seq });
            cursor = sent.Seq;
        }
        while (!stop.IsCancellationRequested)
        {
            var head = audit.Head();
            var more = false;
            if (head != sent || cursor < head.Seq)
            {
                // Never beyond the head just read: the parent checks that the last entry is that head.
                var entries = head.Seq > cursor ? audit.Read(cursor, (int)Math.Min(perUpdate, head.Seq - cursor)) : [];
                var update = new AuditHeadUpdate { HeadSeq = head.Seq, HeadHash = head.Hash, AfterSeq = cursor };
                update.Entries.AddRange(entries.Select(Security.AuditService.ToRecord));
                await responseStream.WriteAsync(update, stop);
                sent = head;
                if (entries.Count > 0)
                {
                    cursor = entries[^1].Seq;
                    more = cursor < head.Seq;
                }
            }
            if (!more)
            {
                try
                {
                    await Task.Delay(AuditWatchPoll, time, stop);
                }
                catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private const int DefaultRecordsPerChunk = 1000;
    private const int MaxRecordsPerChunk = 10_000;

    public override Task<SnapshotManifest> GetManifest(GetManifestRequest request, ServerCallContext context) =>
        Task.FromResult(source.Describe(source.Find(request.Period)));

    public override async Task StreamSnapshot(StreamSnapshotRequest request, IServerStreamWriter<SnapshotChunk> responseStream, ServerCallContext context)
    {
        // Exchange:MaxSnapshotStreams: refused before anything is read; the place is given back however the stream ends.
        var caller = context.UserState.TryGetValue(Security.Caller.UserStateKey, out var state) && state is Security.Caller known ? known.AuditName : "anonymous";
        using var place = streams.Enter(caller);
        var manifest = source.Find(request.Period);
        var perChunk = request.MaxRecordsPerChunk == 0 ? DefaultRecordsPerChunk : request.MaxRecordsPerChunk;
        if (perChunk is < 1 or > MaxRecordsPerChunk)
        {
            throw new InvalidRequestException($"max_records_per_chunk is {request.MaxRecordsPerChunk}; it must be 0 (default) or 1 … {MaxRecordsPerChunk}");
        }
        var resumeDataset = request.ResumeFrom?.Dataset ?? "";
        if (resumeDataset.Length > 0 && Dataset.Find(resumeDataset) is null)
        {
            throw new InvalidRequestException($"resume_from.dataset '{resumeDataset}' is not a dataset of the standard");
        }

        // A parent that took the manifest from GetManifest asks without it: it is sent once.
        if (!request.WithoutManifest)
        {
            await responseStream.WriteAsync(new SnapshotChunk { Manifest = source.Describe(manifest) });
        }
        long sent = 0;
        long sentBytes = 0;
        var startedAt = time.GetTimestamp();
        // Exchange:MaxSendKiBPerSecond: after each chunk, wait until the bytes sent so far fit the cap.
        async Task PaceAsync(long bytes)
        {
            sentBytes += bytes;
            var limit = options.Value.MaxSendKiBPerSecond * 1024L;
            if (limit > 0)
            {
                var due = TimeSpan.FromSeconds((double)sentBytes / limit) - time.GetElapsedTime(startedAt);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, time, context.CancellationToken);
                }
            }
        }
        foreach (var (batch, bytes) in source.Batches(manifest, resumeDataset.Length == 0 ? null : request.ResumeFrom, request.Packed, perChunk, context.CancellationToken))
        {
            sent += batch.Records.Count + batch.PackedRecords;
            await responseStream.WriteAsync(new SnapshotChunk { Records = batch });
            if (bytes > 0)
            {
                await PaceAsync(bytes);
            }
        }
        await responseStream.WriteAsync(new SnapshotChunk { End = new SnapshotEnd { Records = sent, Digest = manifest.Digest } });
    }
}
