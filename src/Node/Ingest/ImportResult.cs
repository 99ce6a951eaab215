namespace Federation.Node.Ingest;

/// <summary>What one import did, per dataset.</summary>
internal sealed class ImportResult
{
    public Dictionary<string, DatasetCounts> Datasets { get; } = new(StringComparer.Ordinal);

    public string RejectsPath { get; set; } = "";

    public TimeSpan Duration { get; set; }

    public long Read => Datasets.Values.Sum(d => d.Read);
    public long Accepted => Datasets.Values.Sum(d => d.Accepted);
    public long Rejected => Datasets.Values.Sum(d => d.Rejected);
    public long Changed => Datasets.Values.Sum(d => d.Changed);

    public DatasetCounts For(string dataset)
    {
        if (!Datasets.TryGetValue(dataset, out var counts))
        {
            Datasets[dataset] = counts = new DatasetCounts();
        }
        return counts;
    }
}

/// <summary>Rows read, accepted (of which changed), and rejected.</summary>
internal sealed class DatasetCounts
{
    public long Read { get; set; }
    public long Accepted { get; set; }
    public long Changed { get; set; }
    public long Rejected { get; set; }
}

/// <summary>Progress of a running import.</summary>
internal readonly record struct ImportProgress(string File, long RowsRead, long Rejected);
