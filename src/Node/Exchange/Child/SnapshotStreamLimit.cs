using Federation.Node.Errors;

namespace Federation.Node.Exchange.Child;

/// <summary>
/// The cap on snapshot streams this node sends at once (<see cref="ExchangeOptions.MaxSnapshotStreams"/>):
/// each stream holds a batch of up to 1 MiB and the records read for it while its reader is slow, so
/// the cap bounds the memory a parent (or a stolen parent certificate) can make the node spend. A
/// stream beyond it is refused at once with RESOURCE_EXHAUSTED naming the setting; the parent's pull
/// retries on its schedule. A stream that ends in any way gives its place back.
/// </summary>
internal sealed class SnapshotStreamLimit(Microsoft.Extensions.Options.IOptions<ExchangeOptions> options, ILogger<SnapshotStreamLimit> logger)
{
    private readonly int _limit = options.Value.MaxSnapshotStreams;
    private int _open;

    /// <summary>Snapshot streams being sent now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a place for one stream, or throws RESOURCE_EXHAUSTED; dispose the result when the stream ends.</summary>
    public IDisposable Enter(string caller)
    {
        if (Interlocked.Increment(ref _open) > _limit)
        {
            Interlocked.Decrement(ref _open);
            ExchangeFaultLog.SnapshotStreamRefused(logger, caller, _limit);
            throw new LimitExceededException(
                $"this node already sends {_limit} snapshot streams, its limit (Exchange:MaxSnapshotStreams); try again when one has ended");
        }
        return new DisposeOnce(() => Interlocked.Decrement(ref _open));
    }
}
