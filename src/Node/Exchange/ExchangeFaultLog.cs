namespace Federation.Node.Exchange;

// Event ids 2440–2469: the exchange's bounds under load and what it refuses of a faulty child (issue 25, items 3 and 4).
internal static partial class ExchangeFaultLog
{
    [LoggerMessage(2440, LogLevel.Warning, "Refused a snapshot stream to {Caller}: {Limit} streams are being sent already (Exchange:MaxSnapshotStreams)", EventName = "SnapshotStreamRefused")]
    public static partial void SnapshotStreamRefused(ILogger logger, string caller, int limit);

    [LoggerMessage(2441, LogLevel.Error, "Refused {ChildId}'s manifest: {Problem}", EventName = "ChildManifestRefused")]
    public static partial void ManifestRefused(ILogger logger, string childId, string problem);

    [LoggerMessage(2442, LogLevel.Error, "Pulling {ChildId} stopped, this node's disk is full: {Detail}; nothing was committed, what arrived is kept with its cursor", EventName = "PullDiskFull")]
    public static partial void PullDiskFull(ILogger logger, string childId, string detail);

    [LoggerMessage(2443, LogLevel.Error, "The failed pull of {ChildId} could not be recorded on its link, the disk is full: {Detail}", EventName = "ChildLinkNotUpdated")]
    public static partial void LinkNotUpdated(ILogger logger, string childId, string detail);
}
