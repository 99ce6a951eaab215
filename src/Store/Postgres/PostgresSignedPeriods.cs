using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>Signed period manifests on PostgreSQL (table <c>signed_periods</c>, immutable by triggers), with SQLite's SQL and rules (<see cref="SignedPeriodsSql"/>).</summary>
public sealed class PostgresSignedPeriods : ISignedPeriods
{
    private readonly PostgresStore _db;

    internal PostgresSignedPeriods(PostgresStore db) => _db = db;

    public SignedPeriod? Find(string nodeId, Period period)
    {
        using var connection = _db.OpenConnection();
        return SignedPeriodsSql.Find(connection, null, nodeId, period);
    }

    public IReadOnlyList<SignedPeriod> List()
    {
        using var connection = _db.OpenConnection();
        return SignedPeriodsSql.List(connection);
    }

    public void Record(IReadOnlyList<SignedPeriod> periods, DateTimeOffset now) =>
        _db.WithWriteTransaction((connection, transaction) =>
        {
            foreach (var period in periods)
            {
                Insert(connection, transaction, period, now);
            }
        });

    internal static void Insert(NpgsqlConnection connection, NpgsqlTransaction transaction, SignedPeriod period, DateTimeOffset now) =>
        SignedPeriodsSql.Insert(connection, transaction, period, now);
}
