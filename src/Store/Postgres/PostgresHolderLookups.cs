using Npgsql;

namespace Federation.Store.Postgres;

// Verification's look-ups, as on SQLite (SqliteHolderLookups): a holder's records in the staged
// data (live), or in the latest merged period holding a child's snapshot (cached), found through
// the sealed tables' citizen and certificate indexes.
//
// One round trip per look-up (issue 26 item 5; before: ~9 statements, 1,126/s against SQLite's
// 8,483/s). A person's card (every citizen dataset) is one UNION ALL, its columns padded to the
// widest dataset and all text (valid as '0'/'1'). The scope of a cached look-up — the latest
// merged period naming the child, and the origins that child's snapshot recorded — is kept in
// memory (ScopeCache) and checked in the same round trip: manifests are append-only (the
// immutability triggers refuse UPDATE, DELETE and TRUNCATE), so their count names the state the
// scopes were read from; when a seal has added one (this process or another), the scopes are read
// again and the look-up repeated. The period must reach the server as a parameter: a period
// worked out inside the statement (a CTE) let PostgreSQL prune partitions only at run time, after
// opening every period's partition of every dataset (measured: 2 ms a look-up at 31 periods).
// The statements are constant text, so Npgsql prepares them on each connection (auto-prepare);
// connections come from the store's look-up pool, which does not reset them (read-only use).
public sealed class PostgresHolderLookups : IHolderLookups
{
    private static readonly Dataset[] CitizenDatasets = [.. Dataset.All.Where(d => d.CitizenColumn >= 0)];
    private static readonly int Width = CitizenDatasets.Max(d => d.Columns.Count);

    private const string TokenSql = "SELECT count(*) FROM manifests";

    private static readonly string StagedHolderSql = Card(d =>
        $"SELECT {Array.IndexOf(CitizenDatasets, d)} AS d, $2::text AS origin, {Padded(d)} FROM s_{d.Name} WHERE citizen_id = $1");

    private static readonly string CachedHolderSql = Card(d =>
        $"SELECT {Array.IndexOf(CitizenDatasets, d)} AS d, origin, {Padded(d)} FROM p_{d.Name} WHERE period = $2 AND citizen_id = $1 AND origin = ANY($3)");

    private const string StagedCertificateSql =
        "SELECT citizen_id FROM s_certificates WHERE certificate_number = $1 ORDER BY citizen_id LIMIT 1";

    private const string CachedCertificateSql =
        "SELECT citizen_id FROM p_certificates WHERE period = $2 AND certificate_number = $1 AND origin = ANY($3) ORDER BY citizen_id LIMIT 1";

    private const string HoldingOriginsSql = "SELECT DISTINCT origin FROM p_persons WHERE period = $2 AND citizen_id = $1";

    private readonly PostgresStore _db;
    private volatile ScopeCache? _scopes;

    internal PostgresHolderLookups(PostgresStore db) => _db = db;

    public HolderRecords? FindStagedHolder(string citizenId)
    {
        using var connection = _db.OpenLookupConnection();
        using var command = new NpgsqlCommand(StagedHolderSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = citizenId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _db.OwnerId });
        using var reader = command.ExecuteReader();
        return ReadHolder(reader, citizenId, null);
    }

    public string? FindStagedCertificateHolder(string certificateNumber)
    {
        using var connection = _db.OpenLookupConnection();
        using var command = new NpgsqlCommand(StagedCertificateSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = certificateNumber });
        return command.ExecuteScalar() as string;
    }

    public HolderRecords? FindCachedHolder(string childId, string citizenId) =>
        InScope(childId, citizenId, CachedHolderSql, (reader, scope) => ReadHolder(reader, citizenId, scope.SnapshotPeriod));

    public string? FindCachedCertificateHolder(string childId, string certificateNumber) =>
        InScope(childId, certificateNumber, CachedCertificateSql, (reader, _) => reader.Read() ? reader.GetString(0) : null);

    public IReadOnlyList<string> ChildrenHolding(string citizenId)
    {
        using var connection = _db.OpenLookupConnection();
        while (true)
        {
            var scopes = Scopes(connection);
            if (scopes.Latest is not { } latest)
            {
                if (Token(connection) == scopes.Token)
                {
                    return [];
                }
                _scopes = null;
                continue;
            }
            using var batch = Validated(connection, HoldingOriginsSql, citizenId, latest.Period.ToString(), null);
            using var reader = batch.ExecuteReader();
            if (!Current(reader, scopes))
            {
                continue;
            }
            var origins = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                origins.Add(reader.GetString(0));
            }
            return [.. latest.Sources.Where(s => s.Origins.Any(origins.Contains)).Select(s => s.ChildId)];
        }
    }

    // Runs a scoped look-up (parameters: the key, the merged period, the origins) in the same round
    // trip as the scopes' check; null when no merged period holds a snapshot of the child.
    private T? InScope<T>(string childId, string key, string sql, Func<NpgsqlDataReader, Scope, T?> read)
        where T : class
    {
        using var connection = _db.OpenLookupConnection();
        while (true)
        {
            var scopes = Scopes(connection);
            if (scopes.ByChild.GetValueOrDefault(childId) is not { } scope)
            {
                if (Token(connection) == scopes.Token)
                {
                    return null;
                }
                _scopes = null;
                continue;
            }
            using var batch = Validated(connection, sql, key, scope.Period, scope.Origins);
            using var reader = batch.ExecuteReader();
            if (Current(reader, scopes))
            {
                return read(reader, scope);
            }
        }
    }

    private static NpgsqlBatch Validated(NpgsqlConnection connection, string sql, string key, string period, string[]? origins)
    {
        var lookup = new NpgsqlBatchCommand(sql);
        lookup.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        lookup.Parameters.Add(new NpgsqlParameter<string> { TypedValue = period });
        if (origins is not null)
        {
            lookup.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = origins });
        }
        return new NpgsqlBatch(connection) { BatchCommands = { new NpgsqlBatchCommand(TokenSql), lookup } };
    }

    // Reads the check's result; moves to the look-up's rows when the scopes are current, or drops
    // them (to be read again) when a seal has added a manifest since.
    private bool Current(NpgsqlDataReader reader, ScopeCache scopes)
    {
        reader.Read();
        if (reader.GetInt64(0) != scopes.Token)
        {
            _scopes = null;
            return false;
        }
        reader.NextResult();
        return true;
    }

    private static long Token(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand(TokenSql, connection);
        return (long)command.ExecuteScalar()!;
    }

    private ScopeCache Scopes(NpgsqlConnection connection) => _scopes ??= ScopeCache.Read(connection);

    private sealed record Scope(string Period, string[] Origins, Period SnapshotPeriod);

    private sealed record LatestMerged(Period Period, IReadOnlyList<(string ChildId, string[] Origins)> Sources);

    // Where each child's cached rows are, as SqliteHolderLookups works it out per call: the newest
    // merged manifest naming the child, its first source naming it, and the origins that snapshot
    // recorded (no scope when it recorded none); and the latest merged period, the routing index.
    private sealed class ScopeCache
    {
        public required long Token { get; init; }

        public required Dictionary<string, Scope?> ByChild { get; init; }

        public required LatestMerged? Latest { get; init; }

        public static ScopeCache Read(NpgsqlConnection connection)
        {
            List<Manifest> manifests;
            using (var command = new NpgsqlCommand("SELECT period, counts, digest, sealed_at, sources FROM manifests ORDER BY period", connection))
            using (var reader = command.ExecuteReader())
            {
                manifests = Manifest.ReadAll(reader);
            }
            // Read after the manifests: every snapshot a merged manifest names was committed before it.
            var received = new Dictionary<(string, string), string[]>();
            using (var command = new NpgsqlCommand("SELECT child_id, period, origins FROM child_manifests", connection))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    received[(reader.GetString(0), reader.GetString(1))] = System.Text.Json.JsonSerializer.Deserialize<string[]>(reader.GetString(2))!;
                }
            }
            string[] Origins(MergedSource source) => received.GetValueOrDefault((source.ChildId, source.Period.ToString())) ?? [];
            var byChild = new Dictionary<string, Scope?>(StringComparer.Ordinal);
            LatestMerged? latest = null;
            for (var i = manifests.Count - 1; i >= 0; i--)
            {
                if (manifests[i].Sources.Count == 0)
                {
                    continue;
                }
                latest ??= new LatestMerged(manifests[i].Period, [.. manifests[i].Sources.Select(s => (s.ChildId, Origins(s)))]);
                foreach (var source in manifests[i].Sources)
                {
                    var origins = Origins(source);
                    byChild.TryAdd(source.ChildId, origins.Length == 0 ? null : new Scope(manifests[i].Period.ToString(), origins, source.Period));
                }
            }
            return new ScopeCache { Token = manifests.Count, ByChild = byChild, Latest = latest };
        }
    }

    // One UNION ALL over the citizen datasets, in their order, each ordered by origin then natural
    // key in byte order (as SQLite's per-dataset ORDER BY 1, 2).
    private static string Card(Func<Dataset, string> select) =>
        $"SELECT h.* FROM ({string.Join("\nUNION ALL ", CitizenDatasets.Select(select))}) h " +
        "ORDER BY h.d, h.origin COLLATE \"C\", h.c0 COLLATE \"C\"";

    private static string Padded(Dataset dataset) => string.Join(", ", Enumerable.Range(0, Width).Select(i =>
        (i >= dataset.Columns.Count ? "NULL::text" : i == dataset.ValidColumn ? "valid::text" : dataset.Columns[i]) + $" AS c{i}"));

    private static HolderRecords? ReadHolder(NpgsqlDataReader reader, string citizenId, Period? snapshot)
    {
        var records = new Dictionary<Dataset, List<OriginRecord>>(CitizenDatasets.Length);
        foreach (var dataset in CitizenDatasets)
        {
            records[dataset] = [];
        }
        var found = false;
        while (reader.Read())
        {
            var dataset = CitizenDatasets[reader.GetInt32(0)];
            var values = new string[dataset.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.GetString(2 + i);
            }
            records[dataset].Add(new OriginRecord(reader.GetString(1), values));
            found = true;
        }
        return found ? new HolderRecords(citizenId, records, snapshot) : null;
    }
}
