using Federation.Store;
namespace Federation.Node.Exchange;

// Event ids 2200–2299 belong to exchange.
internal static partial class ExchangeLog
{
    [LoggerMessage(2200, LogLevel.Information, "Pulling {ChildId} period {Period}: {TotalRecords} records, {AlreadyReceived} already received", EventName = "PullStarted")]
    public static partial void PullStarted(ILogger logger, string childId, Period period, long totalRecords, long alreadyReceived);

    [LoggerMessage(2201, LogLevel.Information, "Committed {ChildId} period {Period}: {Records} records, digest {Digest}, {Seconds:0.0} s", EventName = "PullCommitted")]
    public static partial void PullCommitted(ILogger logger, string childId, Period period, long records, string digest, double seconds);

    [LoggerMessage(2202, LogLevel.Information, "{ChildId} period {Period} is already received", EventName = "PullAlreadyCurrent")]
    public static partial void AlreadyCurrent(ILogger logger, string childId, Period period);

    // No exception argument: an unreachable child is an expected condition, not a bug; the reason says it all.
    [LoggerMessage(2221, LogLevel.Error, "Child {ChildId} at {Address}: {Problem}", EventName = "ChildCertificateRefused")]
    public static partial void ChildCertificateRefused(ILogger logger, string childId, string address, string problem);

    [LoggerMessage(2220, LogLevel.Error, "{ChildId}'s audit chain does not agree with what this node witnessed before: {Problem}", EventName = "AuditWitnessBroken")]
    public static partial void AuditWitnessBroken(ILogger logger, string childId, string problem);

    // Ids 2230–2239: what a parent refuses of what its children send.
    [LoggerMessage(2230, LogLevel.Error, "Refused {ChildId}'s period {Period} at receipt: {Dataset} record {MaskedKey}: {Field} {Reason}; nothing of the transfer was kept, the previous period stays", EventName = "TransferRefused")]
    public static partial void TransferRefused(ILogger logger, string childId, Period period, string dataset, string maskedKey, string field, string reason);

    [LoggerMessage(2203, LogLevel.Warning, "Pulling {ChildId} failed: {Reason}", EventName = "PullFailed")]
    public static partial void PullFailed(ILogger logger, string childId, string reason);

    [LoggerMessage(2206, LogLevel.Error, "Sealing a complete period failed: {Reason}", EventName = "MergeSealFailed")]
    public static partial void MergeSealFailed(ILogger logger, string reason);
}
