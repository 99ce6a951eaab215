namespace Federation.Store;

/// <summary>
/// What a sealed period snapshot contains: its as-of date, the record count of each dataset and
/// a content digest over a canonical ordering (see <see cref="SnapshotDigest"/>: SHA-256, or
/// <c>sm3:</c>… under Security:Crypto national), so that equal data gives an equal digest on any
/// node of one setting. A parent's merged period also lists the
/// children's snapshots it was sealed from.
/// </summary>
public sealed record Manifest(Period Period, IReadOnlyDictionary<string, long> Counts, string Digest, DateTimeOffset SealedAt)
{
    public long TotalRecords => Counts.Values.Sum();

    /// <summary>The period's as-of date.</summary>
    public DateOnly AsOf => Period.AsOf;

    /// <summary>For a merged period: the received child snapshots it contains (empty for a node's own data only).</summary>
    public IReadOnlyList<MergedSource> Sources { get; init; } = [];

    /// <summary>
    /// Reads manifests from rows of (period, counts JSON, digest, sealed_at, sources JSON), the
    /// columns every store keeps them in.
    /// </summary>
    internal static List<Manifest> ReadAll(System.Data.Common.DbDataReader reader)
    {
        var manifests = new List<Manifest>();
        while (reader.Read())
        {
            manifests.Add(new Manifest(
                Period.Parse(reader.GetString(0)),
                System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(1))!,
                reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture))
            { Sources = System.Text.Json.JsonSerializer.Deserialize<List<MergedSource>>(reader.GetString(4))! });
        }
        return manifests;
    }
}
