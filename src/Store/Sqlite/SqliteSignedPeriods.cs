using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>Signed period manifests on SQLite (table <c>signed_periods</c>, immutable by triggers; the SQL and rules in <see cref="SignedPeriodsSql"/>).</summary>
public sealed class SqliteSignedPeriods : ISignedPeriods
{
    private readonly SqliteStore _db;

    internal SqliteSignedPeriods(SqliteStore db) => _db = db;

    public SignedPeriod? Find(string nodeId, Period period)
    {
        using var connection = _db.OpenReader();
        return SignedPeriodsSql.Find(connection, null, nodeId, period);
    }

    public IReadOnlyList<SignedPeriod> List()
    {
        using var connection = _db.OpenReader();
        return SignedPeriodsSql.List(connection);
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
    internal static void Insert(SqliteConnection connection, SqliteTransaction transaction, SignedPeriod period, DateTimeOffset now) =>
        SignedPeriodsSql.Insert(connection, transaction, period, now);
}
