namespace Federation.Node.Backup;

// Event ids 2500–2509 belong to backups (2600–2603 before 2026-12-07, which collided with security's). Never rename an event once shipped.
internal static partial class BackupLog
{
    [LoggerMessage(2500, LogLevel.Information, "Monthly backup {Name} written and verified: {Periods} period(s) match their manifests, {Bytes} bytes, in {Seconds:0.0} s", EventName = "BackupWritten")]
    public static partial void Written(ILogger logger, string name, int periods, long bytes, double seconds);

    [LoggerMessage(2501, LogLevel.Error, "Monthly backup {Name} failed: {Problem}; nothing was kept, retrying in {RetryMinutes} min", EventName = "BackupFailed")]
    public static partial void Failed(ILogger logger, string name, string problem, double retryMinutes);

    [LoggerMessage(2502, LogLevel.Information, "Removed monthly backup {Name} (keeping the newest {Keep})", EventName = "BackupPruned")]
    public static partial void Pruned(ILogger logger, string name, int keep);

    [LoggerMessage(2503, LogLevel.Debug, "Next monthly backup due at {Due}", EventName = "BackupScheduled")]
    public static partial void Scheduled(ILogger logger, DateTimeOffset due);
}
