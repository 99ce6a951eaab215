using Microsoft.Data.Sqlite;

namespace Federation.Store;

/// <summary>Signed period manifests on SQLite (table <c>signed_periods</c>, immutable by triggers).</summary>
public sealed class SqliteSignedPeriods : ISignedPeriods
{
    private const string Columns = "node_id, period, statement, signature, certificate, received_from";

    private readonly FederationStore _db;

    internal SqliteSignedPeriods(FederationStore db) => _db = db;

    public SignedPeriod? Find(string nodeId, Period period)
    {
        using var connection = _db.OpenReader();
        return Find(connection, null, nodeId, period.ToString());
    }

    public IReadOnlyList<SignedPeriod> List()
    {
        using var connection = _db.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM signed_periods ORDER BY node_id, period";
        using var reader = command.ExecuteReader();
        var all = new List<SignedPeriod>();
        while (reader.Read())
        {
            all.Add(Read(reader));
        }
        return all;
    }

    public void Record(IReadOnlyList<SignedPeriod> periods, DateTimeOffset now) =>
        _db.WithWriteTransaction(transaction =>
        {
            foreach (var period in periods)
            {
                Insert(_db.Writer, transaction, period, now);
            }
        });

    /// <summary>Writes one signed manifest on the writer's transaction; an equal statement already held is left alone, a different one refused.</summary>
    internal static void Insert(SqliteConnection connection, SqliteTransaction transaction, SignedPeriod period, DateTimeOffset now)
    {
        var held = Find(connection, transaction, period.NodeId, period.Period.ToString());
        if (held is not null)
        {
            if (!held.SameStatement(period))
            {
                throw new StoreException(SignedPeriodRules.ConflictProblem(period));
            }
            return;
        }
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO signed_periods ({Columns}, recorded_at) VALUES ($node, $period, $statement, $signature, $certificate, $from, $at)";
        command.Parameters.AddWithValue("$node", period.NodeId);
        command.Parameters.AddWithValue("$period", period.Period.ToString());
        command.Parameters.AddWithValue("$statement", period.Statement);
        command.Parameters.AddWithValue("$signature", period.Signature);
        command.Parameters.AddWithValue("$certificate", period.Certificate);
        command.Parameters.AddWithValue("$from", period.ReceivedFrom);
        command.Parameters.AddWithValue("$at", FederationStore.Stamp(now));
        command.ExecuteNonQuery();
    }

    private static SignedPeriod? Find(SqliteConnection connection, SqliteTransaction? transaction, string nodeId, string period)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM signed_periods WHERE node_id = $node AND period = $period";
        command.Parameters.AddWithValue("$node", nodeId);
        command.Parameters.AddWithValue("$period", period);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static SignedPeriod Read(SqliteDataReader reader) =>
        new(reader.GetString(0), Period.Parse(reader.GetString(1)), (byte[])reader[2], (byte[])reader[3], (byte[])reader[4], reader.GetString(5));
}

/// <summary>The rules on signed manifests every store applies alike.</summary>
internal static class SignedPeriodRules
{
    public static string ConflictProblem(SignedPeriod period) =>
        $"{period.NodeId} presented a signed manifest for period {period.Period} that differs from the one it signed before; " +
        "a sealed period cannot be replaced — the one held is kept (docs/security.md, \"Signed periods\").";
}
