namespace Federation.Node.Ingest;

/// <summary>One row of an export file: where it came from and its fields by column name.</summary>
internal sealed record SourceRecord(string File, long Line, IReadOnlyDictionary<string, string> Fields);

/// <summary>A row the importer refused: where, which field, why.</summary>
internal sealed record Reject(string File, long Line, string Dataset, string Key, string Field, string Reason);
