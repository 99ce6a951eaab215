using Npgsql;

namespace Federation.Store.Postgres;

// Comparison (比对) of a merged period on PostgreSQL (FindingsSql).
public sealed class PostgresFindings : IFindings
{
    private readonly PostgresStore _db;

    internal PostgresFindings(PostgresStore db) => _db = db;

    internal static void Write(NpgsqlConnection connection, NpgsqlTransaction transaction, string period, ICityPopulations? populations) =>
        FindingsSql.Write(connection, transaction, period, expression => $"string_agg(DISTINCT {expression}, ',')", populations);

    public IReadOnlyList<Finding> ListFindings(Period period, string? kind, (string Kind, string Subject)? after, int limit)
    {
        using var connection = _db.OpenConnection();
        return FindingsSql.List(connection, period.ToString(), kind, after, limit);
    }

    public IReadOnlyDictionary<string, long> CountFindings(Period period)
    {
        using var connection = _db.OpenConnection();
        return FindingsSql.Count(connection, period.ToString());
    }
}
