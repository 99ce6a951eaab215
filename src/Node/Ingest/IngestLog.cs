namespace Federation.Node.Ingest;

// Event ids 2100–2199 belong to ingest.
internal static partial class IngestLog
{
    [LoggerMessage(2100, LogLevel.Information, "Importing {File} as {Dataset}", EventName = "ImportFileStarted")]
    public static partial void FileStarted(ILogger logger, string file, string dataset);

    [LoggerMessage(2101, LogLevel.Information, "{File}: {Read} rows read, {Accepted} accepted ({Changed} changed), {Rejected} rejected", EventName = "ImportFileDone")]
    public static partial void FileDone(ILogger logger, string file, long read, long accepted, long changed, long rejected);

    [LoggerMessage(2102, LogLevel.Information, "Import committed: {Read} rows, {Accepted} accepted ({Changed} changed), {Rejected} rejected; rejects report {RejectsPath}; {Seconds:0.0} s", EventName = "ImportCommitted")]
    public static partial void ImportCommitted(ILogger logger, long read, long accepted, long changed, long rejected, string rejectsPath, double seconds);
}
