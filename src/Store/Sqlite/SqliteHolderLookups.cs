namespace Federation.Store.Sqlite;

// Verification's look-ups: a holder's records by citizen ID or certificate number, either in this
// node's current (staged) data — a live answer — or, for a child that cannot be reached, in this
// node's latest merged period that holds the child's snapshot — the cached answer. The merged
// period's rows carry their origins, and each received snapshot records its origins, so the
// child's rows are found through the sealed tables' citizen and certificate indexes; the
// received copies (c_) need no secondary index, which keeps pulls fast.
public sealed class SqliteHolderLookups : IHolderLookups, IDisposable
{
    // Point look-ups run thousands of times a second: each thread keeps a read-only connection
    // with its statements prepared (SqliteLookupSession), with a small page cache each.
    private const int LookupCacheMiB = 8;
    private const string ManifestsQuery = "SELECT period, counts, digest, sealed_at, sources FROM manifests ORDER BY period";

    private readonly SqliteStore _db;
    private readonly ThreadLocal<SqliteLookupSession> _sessions;

    internal SqliteHolderLookups(SqliteStore db)
    {
        _db = db;
        _sessions = new ThreadLocal<SqliteLookupSession>(() => new SqliteLookupSession(db.OpenReader(LookupCacheMiB)), trackAllValues: true);
    }

    /// <summary>Every record of the person in this node's current data (origin: this node), or null when there is none.</summary>
    public HolderRecords? FindStagedHolder(string citizenId) => FindHolder("s_", "", citizenId, null);

    /// <summary>The citizen ID holding this certificate number in this node's current data, or null.</summary>
    public string? FindStagedCertificateHolder(string certificateNumber) => FindCertificateHolder("s_", "", certificateNumber, null);

    /// <summary>
    /// The person's records from the child's snapshot in this node's latest merged period that holds
    /// one, or null (none; or no merged period holds a snapshot of the child yet).
    /// </summary>
    public HolderRecords? FindCachedHolder(string childId, string citizenId) =>
        CachedScope(childId) is { } scope ? FindHolder("p_", scope.Filter, citizenId, scope) : null;

    /// <summary>The citizen ID holding this certificate number in the child's cached snapshot (see <see cref="FindCachedHolder"/>), or null.</summary>
    public string? FindCachedCertificateHolder(string childId, string certificateNumber) =>
        CachedScope(childId) is { } scope ? FindCertificateHolder("p_", scope.Filter, certificateNumber, scope) : null;

    /// <summary>
    /// The children whose snapshots in the latest merged period hold records of the person: the
    /// routing index for citizen IDs (a worker's records live where they registered, not where the
    /// ID was issued). Empty before the first merged period: the caller asks every child.
    /// </summary>
    public IReadOnlyList<string> ChildrenHolding(string citizenId)
    {
        var latest = LatestMerged();
        if (latest is null)
        {
            return [];
        }
        var origins = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = Lookups.Command("SELECT DISTINCT origin FROM p_persons WHERE period = $period AND citizen_id = $citizen",
            ("$period", latest.Period.ToString()), ("$citizen", citizenId)).ExecuteReader())
        {
            while (reader.Read())
            {
                origins.Add(reader.GetString(0));
            }
        }
        return [.. latest.Sources.Where(s => ReceivedOrigins(s.ChildId, s.Period).Any(origins.Contains)).Select(s => s.ChildId)];
    }

    private Manifest? LatestMerged()
    {
        var manifests = LookupManifests();
        for (var i = manifests.Count - 1; i >= 0; i--)
        {
            if (manifests[i].Sources.Count > 0)
            {
                return manifests[i];
            }
        }
        return null;
    }

    // Where a child's cached rows are: the latest merged period holding one of its snapshots, and
    // that snapshot's origins (node ids are validated, so they can be quoted into the filter).
    private LookupScope? CachedScope(string childId)
    {
        var manifests = LookupManifests();
        for (var i = manifests.Count - 1; i >= 0; i--)
        {
            if (manifests[i].Sources.FirstOrDefault(s => s.ChildId == childId) is { } source)
            {
                var origins = ReceivedOrigins(childId, source.Period);
                var filter = $" AND period = $period AND origin IN ({string.Join(", ", origins.Select(o => "'" + o.Replace("'", "''", StringComparison.Ordinal) + "'"))})";
                return origins.Count == 0 ? null
                    : new LookupScope(manifests[i].Period.ToString(), filter, source.Period);
            }
        }
        return null;
    }

    private List<string> ReceivedOrigins(string childId, Period period) =>
        Lookups.Command("SELECT origins FROM child_manifests WHERE child_id = $child AND period = $period", ("$child", childId), ("$period", period.ToString()))
            .ExecuteScalar() is string json ? System.Text.Json.JsonSerializer.Deserialize<List<string>>(json)! : [];

    private List<Manifest> LookupManifests()
    {
        using var reader = Lookups.Command(ManifestsQuery).ExecuteReader();
        return Manifest.ReadAll(reader);
    }

    private sealed record LookupScope(string Period, string Filter, Period SnapshotPeriod);

    private HolderRecords? FindHolder(string prefix, string filter, string citizenId, LookupScope? scope)
    {
        var records = new Dictionary<Dataset, List<OriginRecord>>();
        foreach (var dataset in Dataset.All.Where(d => d.CitizenColumn >= 0))
        {
            var origin = prefix == "s_" ? "$owner" : "origin";
            var command = Lookups.Command($"SELECT {origin}, {string.Join(", ", dataset.Columns)} FROM {prefix}{dataset.Name} WHERE citizen_id = $citizen{filter} ORDER BY 1, 2",
                Parameters(scope, ("$citizen", citizenId), ("$owner", _db.OwnerId)));
            using var reader = command.ExecuteReader();
            var rows = new List<OriginRecord>();
            while (reader.Read())
            {
                rows.Add(new OriginRecord(reader.GetString(0), SqliteStore.ReadRow(reader, dataset, 1)));
            }
            records[dataset] = rows;
        }
        return records.Values.All(r => r.Count == 0) ? null
            : new HolderRecords(citizenId, records, scope?.SnapshotPeriod);
    }

    private string? FindCertificateHolder(string prefix, string filter, string certificateNumber, LookupScope? scope) =>
        Lookups.Command($"SELECT citizen_id FROM {prefix}certificates WHERE certificate_number = $number{filter} ORDER BY citizen_id LIMIT 1",
            Parameters(scope, ("$number", certificateNumber))).ExecuteScalar() as string;

    private static (string Name, string Value)[] Parameters(LookupScope? scope, params (string Name, string Value)[] values) =>
        scope is { } s ? [.. values, ("$period", s.Period)] : values;

    // This thread's look-up session (see SqliteLookupSession), opened on first use.
    private SqliteLookupSession Lookups => _sessions.Value!;

    private int _disposed;

    /// <summary>Closes every thread's session; the store does this when it is disposed. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
        _sessions.Dispose();
    }
}
