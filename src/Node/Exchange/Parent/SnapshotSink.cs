using Federation.Protocol.V1;
using Federation.Store;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// The last stage of a pull, at the parent: where a child's checked records go. It says whether a
/// snapshot is held already, opens (or resumes) the transfer in the store, stages the batches in
/// durable transactions with their cursor, digests them as they are stored, and commits only when
/// counts and digest match the manifest — or abandons everything of a refused transfer. It knows
/// nothing of the network; <see cref="SnapshotReceiver"/> feeds it.
/// </summary>
internal sealed class SnapshotSink(IChildTransfers store, TimeProvider time, DiskReserve? reserve = null)
{
    // Received batches are stored together, one durable transaction per ~20,000 records: each
    // commit costs an fsync (synchronous=FULL), and a crash loses at most this much, which the
    // cursor then fetches again.
    internal const int RecordsPerTransaction = 20_000;

    /// <summary>The algorithm this node digests received data with: a child's manifest must name the same.</summary>
    public DigestAlgorithm DigestAlgorithm => store.DigestAlgorithm;

    /// <summary>
    /// True when the child's snapshot of the manifest's period was received before with the same
    /// digest (nothing to pull); throws when it was received with another digest.
    /// </summary>
    public bool Holds(ChildOptions child, Manifest manifest)
    {
        var received = store.ListChildManifests(child.Id).FirstOrDefault(m => m.Period == manifest.Period);
        if (received is null)
        {
            return false;
        }
        if (received.Digest != manifest.Digest)
        {
            // A sealed period never changes: a child reporting another digest for a period we
            // hold is broken or was restored from elsewhere; keep what we have and say so.
            throw new RpcException(new Status(StatusCode.DataLoss,
                $"{child.Id} now reports digest {manifest.Digest} for period {manifest.Period}, but {received.Digest} was received before; sealed periods must not change"));
        }
        return true;
    }

    /// <summary>Opens the transfer of the manifest's snapshot: a new one, or the one stored so far with its cursor.</summary>
    public SinkTransfer Open(ChildOptions child, Manifest manifest)
    {
        var state = store.BeginTransfer(child.Id, manifest.Period, manifest.Digest, time.GetUtcNow());
        return new SinkTransfer(store, time, reserve, child.Id, manifest, state);
    }
}

/// <summary>One transfer being stored: batches wait, packed, until a transaction's worth of one dataset.</summary>
internal sealed class SinkTransfer : IDisposable
{
    private readonly IChildTransfers _store;
    private readonly TimeProvider _time;
    private readonly DiskReserve? _reserve;
    private readonly string _childId;
    private readonly Manifest _manifest;
    private readonly TransferDigest _digest;
    private readonly List<ReadOnlyMemory<byte>> _pending = [];
    private long _pendingCount;
    private Dataset? _pendingDataset;

    internal SinkTransfer(IChildTransfers store, TimeProvider time, DiskReserve? reserve, string childId, Manifest manifest, TransferState state)
    {
        (_store, _time, _reserve, _childId, _manifest, State) = (store, time, reserve, childId, manifest, state);
        // The digest is computed as the records arrive (a resumed transfer first re-reads what it
        // stored), so committing needs no second pass over the rows.
        _digest = store.OpenTransferDigest(childId, manifest.AsOf);
    }

    /// <summary>The transfer as it stood when opened: records stored before, and the cursor to resume after.</summary>
    public TransferState State { get; }

    /// <summary>Where the child's stream resumes, or null to start from the beginning.</summary>
    public SnapshotCursor? ResumeFrom => State.Records > 0
        ? new SnapshotCursor { Dataset = State.Dataset, AfterOrigin = State.AfterOrigin, AfterKey = State.AfterKey }
        : null;

    /// <summary>Takes a checked batch (packed pieces, <paramref name="records"/> records); stores when a transaction's worth is waiting.</summary>
    public void Add(Dataset dataset, IReadOnlyList<ReadOnlyMemory<byte>> pieces, long records)
    {
        if (_pendingDataset is not null && _pendingDataset != dataset)
        {
            Flush();
        }
        _pendingDataset = dataset;
        _pending.AddRange(pieces);
        _pendingCount += records;
        if (_pendingCount >= SnapshotSink.RecordsPerTransaction)
        {
            Flush();
        }
    }

    /// <summary>Stores what is waiting, in one durable transaction with its cursor.</summary>
    public void Flush()
    {
        if (_pendingDataset is null)
        {
            return;
        }
        if (_pending.Count > 0)
        {
            if (_reserve?.Problem(_childId) is { } low)
            {
                // Logged by the coordinator with every failed pull (event 2203).
                throw new RpcException(new Status(StatusCode.ResourceExhausted, low));
            }
            _store.AppendTransferPacked(_childId, _manifest.AsOf, _pendingDataset, _pending, _time.GetUtcNow());
            foreach (var batch in _pending)
            {
                _digest.AppendPacked(_pendingDataset, batch.Span);
            }
        }
        _pending.Clear();
        _pendingCount = 0;
    }

    /// <summary>
    /// Drops what is waiting and deletes every row the transfer stored, so that no later pull
    /// resumes it into a commit (a received record was refused).
    /// </summary>
    public void Abandon()
    {
        _pending.Clear();
        _pendingCount = 0;
        _pendingDataset = null;
        _store.AbandonTransfer(_childId, _manifest.Period);
    }

    /// <summary>Verifies counts and digest against the manifest and commits, atomically (the store refuses a mismatch).</summary>
    public Manifest Commit() => _store.CommitTransfer(_childId, _manifest, _time.GetUtcNow(), _digest);

    public void Dispose() => _digest.Dispose();
}
