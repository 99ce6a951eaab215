namespace Federation.Store;

/// <summary>What verifying a backup found: every problem names its period or check.</summary>
public sealed record BackupVerification(string Path, int SchemaVersion, IReadOnlyList<PeriodCheck> Periods, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}
