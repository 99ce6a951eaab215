namespace Federation.Node.Configuration;

/// <summary>Imports: section <c>Ingest</c> of the JSON config.</summary>
internal sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Where rejects reports are written (<c>rejects-YYYYMMDD-HHMMSS.csv</c>). Defaults to <c>rejects</c>, relative to the config file.</summary>
    public string RejectsDirectory { get; set; } = "rejects";

    /// <summary>
    /// The most one upload (all its files) may spool to disk, in MiB (default 4096). A larger
    /// upload is refused while it arrives and its spool deleted, so a caller cannot fill the disk.
    /// </summary>
    public int MaxUploadMiB { get; set; } = 4096;
}
