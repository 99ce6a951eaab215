using Federation.Store;

namespace Federation.Node.Sealing;

// Moved from ExchangeLog with their ids (2204, 2205: exchange's range, where they were born).
internal static partial class SealingLog
{
    [LoggerMessage(2204, LogLevel.Information, "Sealed period {Period}: {Records} records from {Sources} child snapshots and this node's own data, {Findings} findings, digest {Digest}", EventName = "PeriodSealed")]
    public static partial void PeriodSealed(ILogger logger, Period period, long records, int sources, long findings, string digest);

    [LoggerMessage(2205, LogLevel.Warning, "Sealing period {Period} without {ChildId}: no snapshot of it at or before the period has been received", EventName = "SealWithoutChild")]
    public static partial void SealWithoutChild(ILogger logger, Period period, string childId);
}
