namespace Federation.Node.Backup;

/// <summary>
/// The monthly fixed backup (R-5, 按月对数据进行固化备份): when, where, how many to keep. Times are
/// Beijing time, like the reporting calendar.
/// </summary>
internal sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>Whether the node writes its monthly backup itself (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where backups go; relative to the config file. Default: <c>backups</c> beside the store.</summary>
    public string Directory { get; set; } = "";

    /// <summary>The day of the month the backup is due, 1–28 (default 1).</summary>
    public int DayOfMonth { get; set; } = 1;

    /// <summary>The time of day it is due, <c>HH:mm</c> Beijing time (default 02:00).</summary>
    public string At { get; set; } = "02:00";

    /// <summary>How many monthly backups to keep, newest first (default 24: two years).</summary>
    public int Keep { get; set; } = 24;

    /// <summary>The registration service's journal, backed up with the store (set from the store's path, not configured).</summary>
    internal string? RegistrationJournalPath { get; set; }

    /// <summary><see cref="At"/> parsed; valid once the configuration is validated.</summary>
    public TimeSpan TimeOfDay => TimeSpan.TryParseExact(At, @"hh\:mm", System.Globalization.CultureInfo.InvariantCulture, out var time) ? time : TimeSpan.Zero;

    /// <summary>The problems of these settings, each naming its setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (DayOfMonth is < 1 or > 28)
        {
            yield return $"Backup:DayOfMonth is {DayOfMonth}; it must be between 1 and 28 (every month has that day).";
        }
        if (!TimeSpan.TryParseExact(At, @"hh\:mm", System.Globalization.CultureInfo.InvariantCulture, out var time) || time >= TimeSpan.FromDays(1))
        {
            yield return $"Backup:At is '{At}'; it must be a time of day HH:mm (Beijing time), e.g. 02:00.";
        }
        if (Keep is < 1 or > 1200)
        {
            yield return $"Backup:Keep is {Keep}; it must be between 1 and 1200 monthly backups.";
        }
    }
}
