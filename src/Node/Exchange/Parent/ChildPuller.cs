using Federation.Store;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// Pulls one child's sealed period snapshot into this (parent) node's store, in stages ("The pull,
/// stage by stage", docs/architecture.md): the <see cref="SnapshotReceiver"/> takes the child's
/// manifest and checks it; the <see cref="SnapshotSink"/> says whether it is held already and opens
/// (or resumes) the transfer; the receiver streams the records from the sink's cursor, checking each
/// batch before the sink stores it (one refused record abandons the whole transfer); the sink
/// commits only when counts and digest match the manifest. A snapshot already received with the
/// same digest is not pulled again.
/// </summary>
internal sealed class ChildPuller(SnapshotReceiver receiver, SnapshotSink sink, TimeProvider time, ILogger<ChildPuller> logger)
{
    public async Task<PullResult> PullAsync(ChildOptions child, Period? period, CancellationToken cancellationToken, IProgress<PullProgress>? progress = null)
    {
        try
        {
            return await TransferAsync(child, period, cancellationToken, progress);
        }
        catch (Exception ex) when (StoreIntegrity.IsDiskFull(ex))
        {
            // Every write is a transaction of its own: the one that failed was rolled back whole,
            // the batches stored before it stay with their cursor, and nothing is committed.
            ExchangeFaultLog.PullDiskFull(logger, child.Id, ex.Message);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"this node's disk is full ({ex.Message}): the transfer from {child.Id} stopped and nothing of it was committed; what arrived is kept with its cursor and the pull resumes from there once there is space"));
        }
    }

    private async Task<PullResult> TransferAsync(ChildOptions child, Period? period, CancellationToken cancellationToken, IProgress<PullProgress>? progress)
    {
        var started = time.GetTimestamp();
        var manifest = await receiver.ManifestAsync(child, period, sink.DigestAlgorithm, cancellationToken);
        if (sink.Holds(child, manifest))
        {
            ExchangeLog.AlreadyCurrent(logger, child.Id, manifest.Period);
            return new PullResult(child.Id, manifest.Period, manifest.Digest, 0, 0, AlreadyCurrent: true, Resumed: false, time.GetElapsedTime(started));
        }

        using var transfer = sink.Open(child, manifest);
        var stored = transfer.State.Records;
        ExchangeLog.PullStarted(logger, child.Id, manifest.Period, manifest.TotalRecords, stored);
        long records, bytes;
        try
        {
            (records, bytes) = await receiver.ReceiveAsync(child, manifest, transfer,
                progress is null ? null : (arrived, size) => progress.Report(new PullProgress(manifest.Period, stored + arrived, manifest.TotalRecords, size)),
                cancellationToken);
        }
        catch (RecordRefusedException refused)
        {
            // Nothing of a refused transfer is kept, not even the batches stored before the bad
            // record, so no later pull resumes it into a commit: the child's previous period stays.
            transfer.Abandon();
            ExchangeLog.TransferRefused(logger, child.Id, manifest.Period, refused.Dataset, refused.MaskedKey, refused.Field, refused.Reason);
            throw;
        }
        finally
        {
            // Whatever arrived is kept, with its cursor, even when the stream broke.
            transfer.Flush();
        }
        var committed = transfer.Commit();
        var elapsed = time.GetElapsedTime(started);
        progress?.Report(new PullProgress(committed.Period, committed.TotalRecords, committed.TotalRecords, bytes));
        ExchangeLog.PullCommitted(logger, child.Id, committed.Period, committed.TotalRecords, committed.Digest, elapsed.TotalSeconds);
        return new PullResult(child.Id, committed.Period, committed.Digest, records, bytes, AlreadyCurrent: false, Resumed: stored > 0, elapsed);
    }
}
