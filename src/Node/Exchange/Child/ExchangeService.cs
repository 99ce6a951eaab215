using System.Globalization;
using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Store;
using Google.Protobuf;
using Grpc.Core;

namespace Federation.Node.Exchange.Child;

/// <summary>
/// <c>federation.v1.Exchange</c>, the child's side: the manifest of a sealed period, and the
/// snapshot in bounded chunks — the manifest, record batches in the standard's dataset order and
/// (origin, natural key) order, then the end. Each batch carries the cursor to resume after it; the
/// records are read with keyset paging, so resuming costs nothing. Memory is bounded by one
/// batch: each write waits for HTTP/2 flow control before the next batch is read.
/// </summary>
internal sealed class ExchangeService(ISealedPeriods store, NodeIdentity identity, Federation.Store.Security.AuditLog audit,
    Microsoft.Extensions.Options.IOptions<ExchangeOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ISignedPeriods signatures, SnapshotStreamLimit streams) : Protocol.V1.Exchange.ExchangeBase
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
    private const int MaxChunkBytes = 1024 * 1024;

    public override Task<SnapshotManifest> GetManifest(GetManifestRequest request, ServerCallContext context) =>
        Task.FromResult(ToProto(FindManifest(request.Period)));

    public override async Task StreamSnapshot(StreamSnapshotRequest request, IServerStreamWriter<SnapshotChunk> responseStream, ServerCallContext context)
    {
        // Exchange:MaxSnapshotStreams: refused before anything is read; the place is given back however the stream ends.
        var caller = context.UserState.TryGetValue(Security.Caller.UserStateKey, out var state) && state is Security.Caller known ? known.AuditName : "anonymous";
        using var place = streams.Enter(caller);
        var manifest = FindManifest(request.Period);
        var perChunk = request.MaxRecordsPerChunk == 0 ? DefaultRecordsPerChunk : request.MaxRecordsPerChunk;
        if (perChunk is < 1 or > MaxRecordsPerChunk)
        {
            throw new InvalidRequestException($"max_records_per_chunk is {request.MaxRecordsPerChunk}; it must be 0 (default) or 1 … {MaxRecordsPerChunk}");
        }
        var resumeDataset = request.ResumeFrom?.Dataset ?? "";
        var started = resumeDataset.Length == 0;
        if (!started && Dataset.Find(resumeDataset) is null)
        {
            throw new InvalidRequestException($"resume_from.dataset '{resumeDataset}' is not a dataset of the standard");
        }

        await responseStream.WriteAsync(new SnapshotChunk { Manifest = ToProto(manifest) });
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
        foreach (var dataset in Dataset.All)
        {
            if (!started && dataset.Name != resumeDataset)
            {
                continue;
            }
            var (afterOrigin, after) = started ? ("", "") : (request.ResumeFrom!.AfterOrigin, request.ResumeFrom.AfterKey);
            started = true;
            if (request.Packed)
            {
                foreach (var packed in store.ReadSealedPacked(manifest.AsOf, dataset, afterOrigin, after, perChunk, MaxChunkBytes))
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    sent += packed.Records;
                    await responseStream.WriteAsync(new SnapshotChunk
                    {
                        Records = new RecordBatch
                        {
                            Dataset = dataset.Name,
                            // The batch's buffer is not reused: wrapping it saves a copy.
                            Packed = UnsafeByteOperations.UnsafeWrap(packed.Bytes),
                            PackedRecords = packed.Records,
                            Cursor = new SnapshotCursor { Dataset = dataset.Name, AfterOrigin = packed.LastOrigin, AfterKey = packed.LastKey },
                        },
                    });
                    await PaceAsync(packed.Bytes.Length);
                }
                continue;
            }
            var batch = new RecordBatch { Dataset = dataset.Name };
            var bytes = 0;
            foreach (var row in store.ReadSealedAfter(manifest.AsOf, dataset, afterOrigin, after))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                var record = new SnapshotRecord { Origin = row.Origin };
                record.Values.AddRange(row.Values);
                batch.Records.Add(record);
                bytes += record.CalculateSize();
                if (batch.Records.Count >= perChunk || bytes >= MaxChunkBytes)
                {
                    sent += batch.Records.Count;
                    await WriteBatchAsync(responseStream, batch, dataset.Name);
                    await PaceAsync(bytes);
                    batch = new RecordBatch { Dataset = dataset.Name };
                    bytes = 0;
                }
            }
            if (batch.Records.Count > 0)
            {
                sent += batch.Records.Count;
                await WriteBatchAsync(responseStream, batch, dataset.Name);
            }
        }
        await responseStream.WriteAsync(new SnapshotChunk { End = new SnapshotEnd { Records = sent, Digest = manifest.Digest } });
    }

    private static Task WriteBatchAsync(IServerStreamWriter<SnapshotChunk> stream, RecordBatch batch, string dataset)
    {
        var last = batch.Records[^1];
        batch.Cursor = new SnapshotCursor { Dataset = dataset, AfterOrigin = last.Origin, AfterKey = last.Values[0] };
        return stream.WriteAsync(new SnapshotChunk { Records = batch });
    }

    // The signed manifests of a merged period's sources, and of theirs, as this node received and
    // checked them: whatever this node holds of what its statements name.
    private List<Federation.Store.SignedPeriod> Below(Federation.Store.SignedPeriod top)
    {
        var found = new List<Federation.Store.SignedPeriod>();
        var seen = new HashSet<(string, Period)>();
        var pending = new Stack<Federation.Store.SignedPeriod>([top]);
        while (pending.TryPop(out var next))
        {
            foreach (var source in Federation.Shared.PeriodStatement.Parse(next.Statement).Sources)
            {
                if (Period.TryParse(source.Period, out var period) && seen.Add((source.NodeId, period))
                    && signatures.Find(source.NodeId, period) is { } signed)
                {
                    found.Add(signed);
                    pending.Push(signed);
                }
            }
        }
        return found;
    }

    private static Protocol.V1.SignedPeriod ToProto(Federation.Store.SignedPeriod signed) => new()
    {
        Statement = ByteString.CopyFrom(signed.Statement),
        Signature = ByteString.CopyFrom(signed.Signature),
        Certificate = ByteString.CopyFrom(signed.Certificate),
    };

    private Manifest FindManifest(string period) => RequestFields.SealedPeriod(store, identity.Id, period);

    private SnapshotManifest ToProto(Manifest manifest)
    {
        var proto = new SnapshotManifest
        {
            NodeId = identity.Id,
            DivisionCode = identity.DivisionCode,
            Period = manifest.Period.ToString(),
            Digest = manifest.Digest,
            TotalRecords = manifest.TotalRecords,
            SealedAt = manifest.SealedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        foreach (var (dataset, count) in manifest.Counts)
        {
            proto.Counts[dataset] = count;
        }
        if (signatures.Find(identity.Id, manifest.Period) is { } signed)
        {
            proto.Signed = ToProto(signed);
            proto.Below.AddRange(Below(signed).Select(ToProto));
        }
        return proto;
    }
}
