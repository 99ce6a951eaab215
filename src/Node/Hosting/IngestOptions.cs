namespace Federation.Node.Hosting;

/// <summary>Imports: section <c>Ingest</c> of the JSON config.</summary>
internal sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Where rejects reports are written (<c>rejects-YYYYMMDD-HHMMSS.csv</c>). Defaults to <c>rejects</c>, relative to the config file.</summary>
    public string RejectsDirectory { get; set; } = "rejects";
}
