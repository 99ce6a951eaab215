namespace Federation.Node.Configuration;

/// <summary>Where logs go: section <c>Log</c> of the JSON config.</summary>
internal sealed class LogOptions
{
    public const string Section = "Log";

    /// <summary>Directory of the rolling log files (one per day, JSON lines). Defaults to <c>logs</c>, relative to the config file.</summary>
    public string Directory { get; set; } = "logs";

    /// <summary>Minimum level: Verbose, Debug, Information, Warning, Error or Fatal. Defaults to Information.</summary>
    public string MinimumLevel { get; set; } = "Information";

    /// <summary>Days of log files to keep. Defaults to 30.</summary>
    public int RetainedDays { get; set; } = 30;
}
