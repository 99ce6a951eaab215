using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federation.Store;

// Verification's look-ups: a holder's records by citizen ID or certificate number, either in this
// node's current (staged) data — a live answer — or in a child's latest committed snapshot — the
// cached answer a parent gives when the child cannot be reached. All by index.
public sealed partial class FederationStore
{
    /// <summary>Every record of the person in this node's current data (origin: this node), or null when there is none.</summary>
    public HolderRecords? FindStagedHolder(string citizenId) => FindHolder("s_", "", citizenId, null);

    /// <summary>The citizen ID holding this certificate number in this node's current data, or null.</summary>
    public string? FindStagedCertificateHolder(string certificateNumber) => FindCertificateHolder("s_", "", certificateNumber, null);

    /// <summary>The person's records in the latest committed snapshot received from the child, or null (none, or nothing received).</summary>
    public HolderRecords? FindCachedHolder(string childId, string citizenId) =>
        LatestChildPeriod(childId) is { } period ? FindHolder("c_", " AND child_id = $child AND period = $period", citizenId, (childId, period)) : null;

    /// <summary>The citizen ID holding this certificate number in the child's latest committed snapshot, or null.</summary>
    public string? FindCachedCertificateHolder(string childId, string certificateNumber) =>
        LatestChildPeriod(childId) is { } period ? FindCertificateHolder("c_", " AND child_id = $child AND period = $period", certificateNumber, (childId, period)) : null;

    /// <summary>The period of the child's latest committed snapshot, or null.</summary>
    public string? LatestChildPeriod(string childId)
    {
        using var connection = OpenLookupReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(period) FROM child_manifests WHERE child_id = $child";
        command.Parameters.AddWithValue("$child", childId);
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// The children whose committed snapshots hold records of the person: the routing index for
    /// citizen IDs (a worker's records live where they registered, not where the ID was issued).
    /// </summary>
    public IReadOnlyList<string> ChildrenHolding(string citizenId)
    {
        using var connection = OpenLookupReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT child_id FROM c_persons WHERE citizen_id = $citizen ORDER BY child_id";
        command.Parameters.AddWithValue("$citizen", citizenId);
        using var reader = command.ExecuteReader();
        var children = new List<string>();
        while (reader.Read())
        {
            children.Add(reader.GetString(0));
        }
        return children;
    }

    private HolderRecords? FindHolder(string prefix, string filter, string citizenId, (string Child, string Period)? scope)
    {
        using var connection = OpenLookupReader();
        var records = new Dictionary<Dataset, List<OriginRecord>>();
        foreach (var dataset in Dataset.All.Where(d => d.CitizenColumn >= 0))
        {
            using var command = connection.CreateCommand();
            var origin = prefix == "s_" ? "$owner" : "origin";
            command.CommandText = $"SELECT {origin}, {string.Join(", ", dataset.Columns)} FROM {prefix}{dataset.Name} WHERE citizen_id = $citizen{filter} ORDER BY 1, 2";
            Bind(command, citizenId, scope);
            using var reader = command.ExecuteReader();
            var rows = new List<OriginRecord>();
            while (reader.Read())
            {
                rows.Add(new OriginRecord(reader.GetString(0), ReadRow(reader, dataset, 1)));
            }
            records[dataset] = rows;
        }
        return records.Values.All(r => r.Count == 0) ? null
            : new HolderRecords(citizenId, records, scope is { } s ? DateOnly.ParseExact(s.Period, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null);
    }

    private string? FindCertificateHolder(string prefix, string filter, string certificateNumber, (string Child, string Period)? scope)
    {
        using var connection = OpenLookupReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT citizen_id FROM {prefix}certificates WHERE certificate_number = $number{filter} ORDER BY citizen_id LIMIT 1";
        command.Parameters.AddWithValue("$number", certificateNumber);
        if (scope is { } s)
        {
            command.Parameters.AddWithValue("$child", s.Child);
            command.Parameters.AddWithValue("$period", s.Period);
        }
        return command.ExecuteScalar() as string;
    }

    private void Bind(SqliteCommand command, string citizenId, (string Child, string Period)? scope)
    {
        command.Parameters.AddWithValue("$citizen", citizenId);
        command.Parameters.AddWithValue("$owner", OwnerId);
        if (scope is { } s)
        {
            command.Parameters.AddWithValue("$child", s.Child);
            command.Parameters.AddWithValue("$period", s.Period);
        }
    }
}

/// <summary>
/// A person's records, per dataset (persons included), each with its origin; <see cref="CachedPeriod"/>
/// is the snapshot's period when they come from a child's copy, null when they are this node's current data.
/// </summary>
public sealed record HolderRecords(string CitizenId, IReadOnlyDictionary<Dataset, List<OriginRecord>> Records, DateOnly? CachedPeriod);
