using Federation.Store;

namespace Federation.Node.Errors;

// The reliability campaign's faults (issue 25), what the node says when one happens. Event ids
// 2400–2419: a damaged store, a full disk at import; 2420–2439: the crash campaign's findings;
// 2470–2499: the other faults (a full disk during a seal or a backup, a store whose
// server went away, clock jumps). Never renumber an event once shipped.
internal static partial class FaultLog
{
    [LoggerMessage(2400, LogLevel.Critical, "The store was refused at start-up: {Message}", EventName = "StoreRefused")]
    public static partial void StoreRefused(ILogger logger, string message);

    [LoggerMessage(2401, LogLevel.Error, "Upload refused, the disk is full: {Detail}; nothing of it was imported", EventName = "ImportDiskFull")]
    public static partial void ImportDiskFull(ILogger logger, string detail);

    [LoggerMessage(2420, LogLevel.Warning, "Deleted {Count} file(s) a restore or a restore drill killed half-way left beside the store (copies of it)", EventName = "RestoreLeftoversDeleted")]
    public static partial void RestoreLeftoversDeleted(ILogger logger, int count);

    /// <summary>What a caller is told when the store's database server is away: Chinese for the official, English for the operator, no data.</summary>
    public const string StoreAwayText =
        "本节点的数据库暂时不可用，请稍后重试。This node's store (its PostgreSQL server) does not answer just now: nothing of this call was committed; try again later.";

    [LoggerMessage(2470, LogLevel.Error, "Period {Period} was not sealed after the upload, the disk is full: {Detail}", EventName = "SealDiskFull")]
    public static partial void SealDiskFull(ILogger logger, Period period, string detail);

    [LoggerMessage(2471, LogLevel.Error, "{Method} answered UNAVAILABLE: the store's database server does not answer ({Detail})", EventName = "StoreAway")]
    public static partial void StoreAway(ILogger logger, string method, string detail);
}
