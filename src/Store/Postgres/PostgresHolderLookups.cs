using Npgsql;

namespace Federation.Store.Postgres;

// Verification's look-ups, as on SQLite (SqliteHolderLookups): a holder's records in the staged
// data (live), or in the latest merged period holding a child's snapshot (cached), found through
// the sealed tables' citizen and certificate indexes. Origins are bound as an array parameter.
public sealed class PostgresHolderLookups : IHolderLookups
{
    private readonly PostgresStore _db;

    internal PostgresHolderLookups(PostgresStore db) => _db = db;

    public HolderRecords? FindStagedHolder(string citizenId)
    {
        using var connection = _db.OpenConnection();
        return FindHolder(connection, citizenId, null);
    }

    public string? FindStagedCertificateHolder(string certificateNumber)
    {
        using var connection = _db.OpenConnection();
        return FindCertificateHolder(connection, certificateNumber, null);
    }

    public HolderRecords? FindCachedHolder(string childId, string citizenId)
    {
        using var connection = _db.OpenConnection();
        return CachedScope(connection, childId) is { } scope ? FindHolder(connection, citizenId, scope) : null;
    }

    public string? FindCachedCertificateHolder(string childId, string certificateNumber)
    {
        using var connection = _db.OpenConnection();
        return CachedScope(connection, childId) is { } scope ? FindCertificateHolder(connection, certificateNumber, scope) : null;
    }

    public IReadOnlyList<string> ChildrenHolding(string citizenId)
    {
        var latest = _db.Periods.ListManifests().LastOrDefault(m => m.Sources.Count > 0);
        if (latest is null)
        {
            return [];
        }
        using var connection = _db.OpenConnection();
        using var command = new NpgsqlCommand("SELECT DISTINCT origin FROM p_persons WHERE period = @period AND citizen_id = @citizen", connection);
        command.Parameters.AddWithValue("period", latest.Period.ToString());
        command.Parameters.AddWithValue("citizen", citizenId);
        var origins = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                origins.Add(reader.GetString(0));
            }
        }
        return [.. latest.Sources.Where(s => ReceivedOrigins(connection, s.ChildId, s.Period).Any(origins.Contains)).Select(s => s.ChildId)];
    }

    private sealed record Scope(string Period, string[] Origins, Period SnapshotPeriod);

    // The latest merged period holding one of the child's snapshots: read newest first, stopping
    // at the first that names the child (usually the latest).
    private static Scope? CachedScope(NpgsqlConnection connection, string childId)
    {
        using var command = new NpgsqlCommand("SELECT period, counts, digest, sealed_at, sources FROM manifests WHERE sources <> '[]' ORDER BY period DESC", connection);
        List<Manifest> manifests;
        using (var reader = command.ExecuteReader())
        {
            manifests = Manifest.ReadAll(reader);
        }
        for (var i = 0; i < manifests.Count; i++)
        {
            if (manifests[i].Sources.FirstOrDefault(s => s.ChildId == childId) is { } source)
            {
                var origins = ReceivedOrigins(connection, childId, source.Period);
                return origins.Count == 0 ? null
                    : new Scope(manifests[i].Period.ToString(), [.. origins], source.Period);
            }
        }
        return null;
    }

    private static List<string> ReceivedOrigins(NpgsqlConnection connection, string childId, Period period)
    {
        using var command = new NpgsqlCommand("SELECT origins FROM child_manifests WHERE child_id = @child AND period = @period", connection);
        command.Parameters.AddWithValue("child", childId);
        command.Parameters.AddWithValue("period", period.ToString());
        return command.ExecuteScalar() is string json ? System.Text.Json.JsonSerializer.Deserialize<List<string>>(json)! : [];
    }

    private HolderRecords? FindHolder(NpgsqlConnection connection, string citizenId, Scope? scope)
    {
        var records = new Dictionary<Dataset, List<OriginRecord>>();
        foreach (var dataset in Dataset.All.Where(d => d.CitizenColumn >= 0))
        {
            using var command = new NpgsqlCommand(scope is null
                ? $"SELECT @owner, {PostgresStore.Columns(dataset)} FROM s_{dataset.Name} WHERE citizen_id = @citizen ORDER BY 1, 2"
                : $"SELECT origin, {PostgresStore.Columns(dataset)} FROM p_{dataset.Name} WHERE citizen_id = @citizen AND period = @period AND origin = ANY(@origins) ORDER BY 1, 2", connection);
            command.Parameters.AddWithValue("citizen", citizenId);
            command.Parameters.AddWithValue("owner", _db.OwnerId);
            if (scope is not null)
            {
                command.Parameters.AddWithValue("period", scope.Period);
                command.Parameters.AddWithValue("origins", scope.Origins);
            }
            using var reader = command.ExecuteReader();
            var rows = new List<OriginRecord>();
            while (reader.Read())
            {
                rows.Add(new OriginRecord(reader.GetString(0), PostgresStore.ReadRow(reader, dataset, 1)));
            }
            records[dataset] = rows;
        }
        return records.Values.All(r => r.Count == 0) ? null : new HolderRecords(citizenId, records, scope?.SnapshotPeriod);
    }

    private static string? FindCertificateHolder(NpgsqlConnection connection, string certificateNumber, Scope? scope)
    {
        using var command = new NpgsqlCommand(scope is null
            ? "SELECT citizen_id FROM s_certificates WHERE certificate_number = @number ORDER BY citizen_id LIMIT 1"
            : "SELECT citizen_id FROM p_certificates WHERE certificate_number = @number AND period = @period AND origin = ANY(@origins) ORDER BY citizen_id LIMIT 1", connection);
        command.Parameters.AddWithValue("number", certificateNumber);
        if (scope is not null)
        {
            command.Parameters.AddWithValue("period", scope.Period);
            command.Parameters.AddWithValue("origins", scope.Origins);
        }
        return command.ExecuteScalar() as string;
    }
}
