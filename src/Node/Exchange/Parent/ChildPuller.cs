using System.Diagnostics;
using System.Globalization;
using Federation.Protocol.V1;
using Federation.Store;
using Grpc.Core;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// Pulls one child's sealed period snapshot into this (parent) node's store: asks for the
/// manifest, resumes a transfer of the same snapshot from its durable cursor (or starts one),
/// checks every record of each batch before storing it (<see cref="ReceiptCheck"/>: one refused
/// record abandons the whole transfer), and commits only when counts and digest match the manifest.
/// A snapshot already received with the same digest is not pulled again.
/// </summary>
internal sealed class ChildPuller(IChildTransfers store, ChildClients clients, Signing.SignedPeriodCheck signatures, ILogger logger, TimeProvider time, DiskReserve? reserve = null)
{
    private static readonly TimeSpan ManifestDeadline = TimeSpan.FromSeconds(30);

    // Received batches are stored together, one durable transaction per ~20,000 records: each
    // commit costs an fsync (synchronous=FULL), and a crash loses at most this much, which the
    // cursor then fetches again.
    private const int RecordsPerTransaction = 20_000;

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
        var stopwatch = Stopwatch.StartNew();
        var client = clients.Exchange(child);
        var remote = await ChildClients.ReconnectRetry.ExecuteAsync(async token => await client.GetManifestAsync(
            new GetManifestRequest { Period = period?.ToString() ?? "" }, deadline: DateTime.UtcNow + ManifestDeadline, cancellationToken: token),
            cancellationToken);
        if (remote.NodeId != child.Id || remote.DivisionCode != child.DivisionCode)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"the node at {child.Address} is '{remote.NodeId}' ({remote.DivisionCode}), not the configured child '{child.Id}' ({child.DivisionCode})"));
        }
        // The period is the child's word like the rest: one of the standard's form, the one asked
        // for, not in the future (a period dated ahead would sort after every real one and be
        // taken for the child's latest), with a sealing time — before anything is taken or parsed further.
        if (PeriodProblem(child.Id, remote, period, time.GetUtcNow()) is { } wrong)
        {
            ExchangeFaultLog.ManifestRefused(logger, child.Id, wrong);
            throw new RpcException(new Status(StatusCode.FailedPrecondition, wrong));
        }
        // Then a digest this node computes the same way (its own algorithm, Security:Crypto), then
        // what the child signed, and what it passes up from below.
        if (PeriodDigests.RefusalOf(child.Id, remote.Digest, store.DigestAlgorithm) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, refusal));
        }
        signatures.CheckAndRecord(child, remote);
        var manifest = new Manifest(Period.Parse(remote.Period),
            new Dictionary<string, long>(remote.Counts, StringComparer.Ordinal), remote.Digest, DateTimeOffset.Parse(remote.SealedAt, CultureInfo.InvariantCulture));

        var received = store.ListChildManifests(child.Id).FirstOrDefault(m => m.Period == manifest.Period);
        if (received is not null)
        {
            if (received.Digest != manifest.Digest)
            {
                // A sealed period never changes: a child reporting another digest for a period we
                // hold is broken or was restored from elsewhere; keep what we have and say so.
                throw new RpcException(new Status(StatusCode.DataLoss,
                    $"{child.Id} now reports digest {manifest.Digest} for period {manifest.Period}, but {received.Digest} was received before; sealed periods must not change"));
            }
            ExchangeLog.AlreadyCurrent(logger, child.Id, manifest.Period);
            return new PullResult(child.Id, manifest.Period, manifest.Digest, 0, 0, AlreadyCurrent: true, Resumed: false, stopwatch.Elapsed);
        }

        var state = store.BeginTransfer(child.Id, manifest.Period, manifest.Digest, time.GetUtcNow());
        var resumed = state.Records > 0;
        ExchangeLog.PullStarted(logger, child.Id, manifest.Period, manifest.TotalRecords, state.Records);
        var request = new StreamSnapshotRequest { Period = manifest.Period.ToString(), Packed = true, MaxRecordsPerChunk = 5000 };
        if (resumed)
        {
            request.ResumeFrom = new SnapshotCursor { Dataset = state.Dataset, AfterOrigin = state.AfterOrigin, AfterKey = state.AfterKey };
        }
        long records = 0, bytes = 0;
        // The digest is computed as the records arrive (a resumed transfer first re-reads what it
        // stored), so committing needs no second pass over the rows.
        using var digest = store.OpenTransferDigest(child.Id, manifest.AsOf);
        var check = new ReceiptCheck(child, manifest.Period);
        using var call = client.StreamSnapshot(request, cancellationToken: cancellationToken);
        var ended = false;
        // Received batches wait here, packed (a child that sends records one by one has them
        // packed on arrival), until a transaction's worth of one dataset.
        var pendingPacked = new List<ReadOnlyMemory<byte>>();
        var pendingCount = 0;
        Dataset? pendingDataset = null;
        void Flush()
        {
            if (pendingDataset is null)
            {
                return;
            }
            if (pendingPacked.Count > 0)
            {
                if (reserve?.Problem(child.Id) is { } low)
                {
                    // Logged by the coordinator with every failed pull (event 2203).
                    throw new RpcException(new Status(StatusCode.ResourceExhausted, low));
                }
                store.AppendTransferPacked(child.Id, manifest.AsOf, pendingDataset, pendingPacked, time.GetUtcNow());
                foreach (var batch in pendingPacked)
                {
                    digest.AppendPacked(pendingDataset, batch.Span);
                }
            }
            pendingPacked.Clear();
            pendingCount = 0;
        }
        try
        {
            while (await call.ResponseStream.MoveNext(cancellationToken))
            {
                var chunk = call.ResponseStream.Current;
                bytes += chunk.CalculateSize();
                switch (chunk.PartCase)
                {
                    case SnapshotChunk.PartOneofCase.Manifest when chunk.Manifest.Digest != manifest.Digest:
                        throw new RpcException(new Status(StatusCode.Aborted, $"{child.Id}'s snapshot changed during the pull; it will be pulled again"));
                    case SnapshotChunk.PartOneofCase.Records:
                        var dataset = Dataset.Find(chunk.Records.Dataset)
                            ?? throw new RpcException(new Status(StatusCode.Internal, $"{child.Id} sent records of unknown dataset '{chunk.Records.Dataset}'"));
                        if (pendingDataset is not null && pendingDataset != dataset)
                        {
                            Flush();
                        }
                        pendingDataset = dataset;
                        pendingPacked.AddRange(check.CheckBatch(dataset, chunk.Records));
                        var arrived = chunk.Records.Records.Count + chunk.Records.PackedRecords;
                        pendingCount += arrived;
                        records += arrived;
                        progress?.Report(new PullProgress(manifest.Period, state.Records + records, manifest.TotalRecords, bytes));
                        if (pendingCount >= RecordsPerTransaction)
                        {
                            Flush();
                        }
                        break;
                    case SnapshotChunk.PartOneofCase.End:
                        ended = true;
                        break;
                }
            }
        }
        catch (RecordRefusedException refused)
        {
            // Nothing of a refused transfer is kept, not even the batches stored before the bad
            // record, so no later pull resumes it into a commit: the child's previous period stays.
            pendingPacked.Clear();
            pendingDataset = null;
            store.AbandonTransfer(child.Id, manifest.Period);
            ExchangeLog.TransferRefused(logger, child.Id, manifest.Period, refused.Dataset, refused.MaskedKey, refused.Field, refused.Reason);
            throw;
        }
        finally
        {
            // Whatever arrived is kept, with its cursor, even when the stream broke.
            Flush();
        }
        if (!ended)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"{child.Id}'s snapshot stream ended without its end marker; the transfer resumes next time"));
        }
        var committed = store.CommitTransfer(child.Id, manifest, time.GetUtcNow(), digest);
        progress?.Report(new PullProgress(committed.Period, committed.TotalRecords, committed.TotalRecords, bytes));
        ExchangeLog.PullCommitted(logger, child.Id, committed.Period, committed.TotalRecords, committed.Digest, stopwatch.Elapsed.TotalSeconds);
        return new PullResult(child.Id, committed.Period, committed.Digest, records, bytes, AlreadyCurrent: false, resumed, stopwatch.Elapsed);
    }

    /// <summary>Why the period of a child's manifest is refused (issue 25 item 4: a child that answers with a wrong period), or null.</summary>
    internal static string? PeriodProblem(string childId, SnapshotManifest remote, Period? asked, DateTimeOffset now)
    {
        if (!Period.TryParse(remote.Period, out var period))
        {
            // Not echoed: the child's text could be anything; its length says enough to find it.
            return $"{childId} answered with a period that is not a date of the form YYYY-MM-DD ({remote.Period.Length} characters); nothing was taken";
        }
        if (asked is { } wanted && period != wanted)
        {
            return $"{childId} was asked for period {wanted} and answered with period {period}; nothing was taken";
        }
        if (SealRules.FutureProblem(period, now) is { } future)
        {
            return $"{childId} serves period {period}, which is in the future for this node ({future}); nothing was taken — check the child's clock";
        }
        if (!DateTimeOffset.TryParse(remote.SealedAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return $"{childId}'s manifest of period {period} has no valid sealing time (sealed_at); nothing was taken";
        }
        return null;
    }
}
