namespace Federation.Node.Host;

// Event ids 2400–2419 belong to the reliability campaign's faults (issue 25): a damaged store, a full disk.
internal static partial class ReliabilityLog
{
    [LoggerMessage(2400, LogLevel.Critical, "The store was refused at start-up: {Message}", EventName = "StoreRefused")]
    public static partial void StoreRefused(ILogger logger, string message);

    [LoggerMessage(2401, LogLevel.Error, "Upload refused, the disk is full: {Detail}; nothing of it was imported", EventName = "ImportDiskFull")]
    public static partial void ImportDiskFull(ILogger logger, string detail);

    // Event ids 2420–2439: the crash campaign's findings (issue 25, item 1).
    [LoggerMessage(2420, LogLevel.Warning, "Deleted {Count} file(s) a restore or a restore drill killed half-way left beside the store (copies of it)", EventName = "RestoreLeftoversDeleted")]
    public static partial void RestoreLeftoversDeleted(ILogger logger, int count);
}
