namespace Federation.Store;

/// <summary>
/// The digest and counts of a snapshot computed while it is received, record by record, in the
/// order the exchange sends them — the canonical order (datasets in the standard's order, records
/// by origin and key) — so that committing a transfer needs no second pass over its rows. A
/// resumed transfer starts from the rows already stored (<see cref="IChildTransfers.OpenTransferDigest"/>).
/// </summary>
public sealed class TransferDigest : IDisposable
{
    private readonly SnapshotDigest _digest;
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _origins = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>A digest with the receiving store's algorithm: a parent recomputes what it receives with its own.</summary>
    public TransferDigest(DigestAlgorithm algorithm) => _digest = new SnapshotDigest(algorithm);

    public DigestAlgorithm Algorithm => _digest.Algorithm;

    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>The distinct origins of the records appended (the nodes whose data the snapshot holds).</summary>
    public IReadOnlyCollection<string> Origins => _origins;

    public void Append(Dataset dataset, OriginRecord record) => AppendPacked(dataset, PackedRecords.Pack(dataset, [record], "the transfer").Span);

    /// <summary>Appends a packed batch (see <see cref="PackedRecords"/>): its lines are hashed as they are.</summary>
    public void AppendPacked(Dataset dataset, ReadOnlySpan<byte> packed)
    {
        AdvanceTo(dataset);
        _digest.AppendBytes(packed);
        var rest = packed;
        ReadOnlySpan<byte> lastOrigin = default;
        long lines = 0;
        while (rest.Length > 0)
        {
            var end = rest.IndexOf(PackedRecords.LineFeed);
            var line = end < 0 ? rest : rest[..end];
            var tab = line.IndexOf(PackedRecords.Tab);
            var origin = tab < 0 ? line : line[..tab];
            if (!origin.SequenceEqual(lastOrigin))
            {
                _origins.Add(System.Text.Encoding.UTF8.GetString(origin));
                lastOrigin = origin;
            }
            lines++;
            rest = end < 0 ? default : rest[(end + 1)..];
        }
        _counts[dataset.Name] += lines;
    }

    /// <summary>The digest over everything appended; call once, after the last record.</summary>
    public string Finish()
    {
        AdvanceTo(Dataset.All[^1]);
        return _digest.Finish();
    }

    private void AdvanceTo(Dataset dataset)
    {
        var index = IndexOf(dataset);
        if (index < _next - 1)
        {
            throw new StoreException($"{dataset.Name} records arrived after records of {Dataset.All[_next - 1].Name}; a snapshot comes in the standard's dataset order.");
        }
        while (_next <= index)
        {
            _digest.BeginDataset(Dataset.All[_next]);
            _counts[Dataset.All[_next].Name] = 0;
            _next++;
        }
    }

    private static int IndexOf(Dataset dataset)
    {
        for (var i = 0; i < Dataset.All.Count; i++)
        {
            if (Dataset.All[i] == dataset)
            {
                return i;
            }
        }
        throw new ArgumentException($"{dataset.Name} is not a dataset of the standard.", nameof(dataset));
    }

    public void Dispose() => _digest.Dispose();
}
