using System.Collections.Concurrent;
using Federation.Node.Host;
using Federation.Node.Sealing;
using Federation.Store;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// Runs every pull of this node — scheduled or asked for by an operator — so that one child is
/// never pulled twice at the same time (a per-child lock) and the outcome always lands on the
/// child's link. After a pull commits a new snapshot, the parent seals every period all its
/// children have now delivered (<see cref="IPeriodSealer"/>).
/// </summary>
internal sealed class PullCoordinator(ChildPuller puller, IChildLinks links, IPeriodSealer sealer, NodeMetrics metrics, TimeProvider time, ILogger<PullCoordinator> logger) : IPullCoordinator
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<PullResult> PullAsync(ChildOptions child, Period? period, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(child.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var result = await puller.PullAsync(child, period, cancellationToken, progress);
            links.RecordPullSuccess(child.Id, result.Period, result.Digest, result.Records, result.Bytes, time.GetUtcNow());
            metrics.PullSucceeded(child.Id, result.Records, result.Bytes);
            SealCompletePeriods();
            return result;
        }
        catch (Exception ex) when (ex is RpcException or StoreException or RecordRefusedException || StoreIntegrity.IsStoreAway(ex))
        {
            // A PostgreSQL store that went away is a failed pull like any other (retried), not the end of the pull loop.
            var reason = ex is RpcException rpc ? ChildFailure.Describe(rpc) : StoreIntegrity.IsStoreAway(ex) ? StoreIntegrity.StoreAway(ex) : ex.Message;
            ExchangeLog.PullFailed(logger, child.Id, reason);
            try
            {
                links.RecordPullFailure(child.Id, reason, time.GetUtcNow());
            }
            catch (Exception full) when (StoreIntegrity.IsDiskFull(full) || StoreIntegrity.IsStoreAway(full))
            {
                // A full disk (or a store that went away) may refuse even this small write; the failure is still reported to whoever asked, and logged.
                ExchangeFaultLog.LinkNotUpdated(logger, child.Id, full.Message);
            }
            metrics.PullFailed(child.Id, ex switch { RpcException failed => failed.StatusCode.ToString(), RecordRefusedException => "Refused", _ => "Store" });
            if (ex is RecordRefusedException refused)
            {
                metrics.TransferRefused(child.Id, refused.Kind);
            }
            throw new PullFailedException(reason, ex);
        }
        finally
        {
            gate.Release();
        }
    }

    private void SealCompletePeriods()
    {
        try
        {
            sealer.SealCompletePeriods();
        }
        catch (Exception ex) when (ex is StoreException || StoreIntegrity.IsDiskFull(ex) || StoreIntegrity.IsStoreAway(ex))
        {
            // The pull itself succeeded; the merge is retried after the next committed pull, and
            // an operator can seal by hand.
            ExchangeLog.MergeSealFailed(logger, ex.Message);
        }
    }
}

/// <summary>Runs a pull of one child, one at a time per child, recording the outcome on its link (<see cref="PullCoordinator"/>).</summary>
internal interface IPullCoordinator
{
    /// <summary>Pulls <paramref name="period"/> of the child (null: its latest); throws <see cref="PullFailedException"/> with the reason when it fails.</summary>
    Task<PullResult> PullAsync(ChildOptions child, Period? period, IProgress<PullProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>How far a pull got.</summary>
internal readonly record struct PullProgress(Period Period, long Records, long TotalRecords, long Bytes);

/// <summary>A pull failed; the message is the reason (status and detail), already recorded on the link.</summary>
internal sealed class PullFailedException(string message, Exception inner) : Exception(message, inner);
