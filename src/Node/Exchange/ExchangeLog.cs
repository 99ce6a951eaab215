namespace Federation.Node.Exchange;

// Event ids 2200–2299 belong to exchange.
internal static partial class ExchangeLog
{
    [LoggerMessage(2200, LogLevel.Information, "Pulling {ChildId} period {Period}: {TotalRecords} records, {AlreadyReceived} already received", EventName = "PullStarted")]
    public static partial void PullStarted(ILogger logger, string childId, string period, long totalRecords, long alreadyReceived);

    [LoggerMessage(2201, LogLevel.Information, "Committed {ChildId} period {Period}: {Records} records, digest {Digest}, {Seconds:0.0} s", EventName = "PullCommitted")]
    public static partial void PullCommitted(ILogger logger, string childId, string period, long records, string digest, double seconds);

    [LoggerMessage(2202, LogLevel.Information, "{ChildId} period {Period} is already received", EventName = "PullAlreadyCurrent")]
    public static partial void AlreadyCurrent(ILogger logger, string childId, string period);

    // No exception argument: an unreachable child is an expected condition, not a bug; the reason says it all.
    [LoggerMessage(2203, LogLevel.Warning, "Pulling {ChildId} failed: {Reason}", EventName = "PullFailed")]
    public static partial void PullFailed(ILogger logger, string childId, string reason);
}
