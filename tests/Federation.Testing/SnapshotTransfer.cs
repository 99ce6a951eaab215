using Federation.Store;

namespace Federation.Testing;

/// <summary>What the exchange does, at store level: a child's sealed snapshot into its parent, in batches, committed.</summary>
public static class SnapshotTransfer
{
    public static MergedSource Transfer(INodeStore child, string childId, INodeStore parent, Period period, DateTimeOffset now, int batch = 3)
    {
        var manifest = child.Periods.GetManifest(period)!;
        parent.Transfers.BeginTransfer(childId, period, manifest.Digest, now);
        foreach (var dataset in Dataset.All)
        {
            foreach (var chunk in child.Periods.ReadSealed(period, dataset).Chunk(batch))
            {
                parent.Transfers.AppendTransfer(childId, period, dataset, chunk, now);
            }
        }
        parent.Transfers.CommitTransfer(childId, manifest, now);
        return new MergedSource(childId, manifest.Period, manifest.Digest);
    }
}
