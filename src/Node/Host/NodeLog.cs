namespace Federation.Node.Host;

// Event ids 2000–2099 belong to node hosting. Never rename an event once shipped.
internal static partial class NodeLog
{
    [LoggerMessage(2000, LogLevel.Information, "Node {NodeId} ({Level}, division {DivisionCode}) version {Version} listening on {Addresses}", EventName = "NodeStarted")]
    public static partial void NodeStarted(ILogger logger, string nodeId, string level, string divisionCode, string version, string addresses);

    [LoggerMessage(2001, LogLevel.Information, "Node {NodeId} stopping", EventName = "NodeStopping")]
    public static partial void NodeStopping(ILogger logger, string nodeId);

    [LoggerMessage(2003, LogLevel.Warning, "Deleted {Count} upload spool(s) left by interrupted uploads", EventName = "SpoolCleaned")]
    public static partial void SpoolCleaned(ILogger logger, int count);

    [LoggerMessage(2004, LogLevel.Warning, "Store {Path} upgraded: {Migration}", EventName = "StoreMigrated")]
    public static partial void StoreMigrated(ILogger logger, string path, string migration);

    [LoggerMessage(2002, LogLevel.Debug, "Wrote ready file {Path}", EventName = "ReadyFileWritten")]
    public static partial void ReadyFileWritten(ILogger logger, string path);
}
