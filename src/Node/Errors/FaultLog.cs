using Federation.Store;

namespace Federation.Node.Errors;

// Event ids 2470–2499 and 2510–2529 belong to the reliability campaign's other faults (issue 25,
// item 4): a full disk during a seal or a backup, a store whose server went away, clock jumps.
// Never renumber an event once shipped.
internal static partial class FaultLog
{
    /// <summary>What a caller is told when the store's database server is away: Chinese for the official, English for the operator, no data.</summary>
    public const string StoreAwayText =
        "本节点的数据库暂时不可用，请稍后重试。This node's store (its PostgreSQL server) does not answer just now: nothing of this call was committed; try again later.";

    [LoggerMessage(2470, LogLevel.Error, "Period {Period} was not sealed after the upload, the disk is full: {Detail}", EventName = "SealDiskFull")]
    public static partial void SealDiskFull(ILogger logger, Period period, string detail);

    [LoggerMessage(2471, LogLevel.Error, "{Method} answered UNAVAILABLE: the store's database server does not answer ({Detail})", EventName = "StoreAway")]
    public static partial void StoreAway(ILogger logger, string method, string detail);
}
