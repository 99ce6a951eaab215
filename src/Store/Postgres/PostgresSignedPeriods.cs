using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>Signed period manifests on PostgreSQL (table <c>signed_periods</c>, immutable by triggers), with SQLite's rules.</summary>
public sealed class PostgresSignedPeriods : ISignedPeriods
{
    private const string Columns = "node_id, period, statement, signature, certificate, received_from";

    private readonly PostgresStore _db;

    internal PostgresSignedPeriods(PostgresStore db) => _db = db;

    public SignedPeriod? Find(string nodeId, Period period)
    {
        using var connection = _db.OpenConnection();
        return Find(connection, null, nodeId, period.ToString());
    }

    public IReadOnlyList<SignedPeriod> List()
    {
        using var connection = _db.OpenConnection();
        using var command = new NpgsqlCommand($"SELECT {Columns} FROM signed_periods ORDER BY node_id, period", connection);
        using var reader = command.ExecuteReader();
        var all = new List<SignedPeriod>();
        while (reader.Read())
        {
            all.Add(Read(reader));
        }
        return all;
    }

    public void Record(IReadOnlyList<SignedPeriod> periods, DateTimeOffset now) =>
        _db.WithWriteTransaction((connection, transaction) =>
        {
            foreach (var period in periods)
            {
                Insert(connection, transaction, period, now);
            }
        });

    internal static void Insert(NpgsqlConnection connection, NpgsqlTransaction transaction, SignedPeriod period, DateTimeOffset now)
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
        PostgresStore.Execute(connection, transaction,
            $"INSERT INTO signed_periods ({Columns}, recorded_at) VALUES (@node, @period, @statement, @signature, @certificate, @from, @at)",
            ("node", period.NodeId), ("period", period.Period.ToString()), ("statement", period.Statement), ("signature", period.Signature),
            ("certificate", period.Certificate), ("from", period.ReceivedFrom), ("at", PostgresStore.Stamp(now)));
    }

    private static SignedPeriod? Find(NpgsqlConnection connection, NpgsqlTransaction? transaction, string nodeId, string period)
    {
        using var command = new NpgsqlCommand($"SELECT {Columns} FROM signed_periods WHERE node_id = @node AND period = @period", connection, transaction);
        command.Parameters.AddWithValue("node", nodeId);
        command.Parameters.AddWithValue("period", period);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static SignedPeriod Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), Period.Parse(reader.GetString(1)), (byte[])reader[2], (byte[])reader[3], (byte[])reader[4], reader.GetString(5));
}
