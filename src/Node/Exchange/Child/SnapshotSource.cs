using System.Globalization;
using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Store;
using Google.Protobuf;

namespace Federation.Node.Exchange.Child;

/// <summary>
/// The first stage of a pull, at the child: what a sealed period is made of on the wire — its
/// manifest (with the signed statements of the period and of what it holds from below), and its
/// records in the standard's dataset order and (origin, natural key) order, in bounded batches each
/// carrying the cursor to resume after it. Read lazily with keyset paging, one batch at a time, so
/// resuming costs nothing; <see cref="ExchangeService"/> transmits what it yields.
/// </summary>
internal sealed class SnapshotSource(ISealedPeriods store, NodeIdentity identity, ISignedPeriods signatures)
{
    private const int MaxChunkBytes = 1024 * 1024;

    /// <summary>The sealed period asked for ("" = the latest), or the request's error saying why not.</summary>
    public Manifest Find(string period) => RequestFields.SealedPeriod(store, identity.Id, period);

    /// <summary>
    /// The record batches of <paramref name="manifest"/>'s period after <paramref name="resumeFrom"/>
    /// (null: from the beginning), packed or record by record, at most <paramref name="perChunk"/>
    /// records and about 1 MiB each; with each, the bytes to pace the sending by.
    /// </summary>
    public IEnumerable<(RecordBatch Batch, long Bytes)> Batches(Manifest manifest, SnapshotCursor? resumeFrom, bool packed, int perChunk,
        CancellationToken cancellationToken = default)
    {
        var resumeDataset = resumeFrom?.Dataset ?? "";
        var started = resumeDataset.Length == 0;
        foreach (var dataset in Dataset.All)
        {
            if (!started && dataset.Name != resumeDataset)
            {
                continue;
            }
            var (afterOrigin, after) = started ? ("", "") : (resumeFrom!.AfterOrigin, resumeFrom.AfterKey);
            started = true;
            if (packed)
            {
                foreach (var batch in store.ReadSealedPacked(manifest.AsOf, dataset, afterOrigin, after, perChunk, MaxChunkBytes))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return (new RecordBatch
                    {
                        Dataset = dataset.Name,
                        // The batch's buffer is not reused: wrapping it saves a copy.
                        Packed = UnsafeByteOperations.UnsafeWrap(batch.Bytes),
                        PackedRecords = batch.Records,
                        Cursor = new SnapshotCursor { Dataset = dataset.Name, AfterOrigin = batch.LastOrigin, AfterKey = batch.LastKey },
                    }, batch.Bytes.Length);
                }
                continue;
            }
            var records = new RecordBatch { Dataset = dataset.Name };
            var bytes = 0;
            foreach (var row in store.ReadSealedAfter(manifest.AsOf, dataset, afterOrigin, after))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var record = new SnapshotRecord { Origin = row.Origin };
                record.Values.AddRange(row.Values);
                records.Records.Add(record);
                bytes += record.CalculateSize();
                if (records.Records.Count >= perChunk || bytes >= MaxChunkBytes)
                {
                    yield return (WithCursor(records, dataset.Name), bytes);
                    records = new RecordBatch { Dataset = dataset.Name };
                    bytes = 0;
                }
            }
            if (records.Records.Count > 0)
            {
                // The last, partial batch of a dataset is not paced (as it never was).
                yield return (WithCursor(records, dataset.Name), 0);
            }
        }
    }

    private static RecordBatch WithCursor(RecordBatch batch, string dataset)
    {
        var last = batch.Records[^1];
        batch.Cursor = new SnapshotCursor { Dataset = dataset, AfterOrigin = last.Origin, AfterKey = last.Values[0] };
        return batch;
    }

    /// <summary>The manifest as sent: this node's id and division, counts, digest, sealing time, and the signed statements this node holds of it and below it.</summary>
    public SnapshotManifest Describe(Manifest manifest)
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
}
