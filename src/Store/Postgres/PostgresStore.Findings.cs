using Npgsql;

namespace Federation.Store.Postgres;

// Comparison (比对) of a merged period on PostgreSQL (FindingsSql).
public sealed partial class PostgresStore : IFindings
{
    private static void WriteFindings(NpgsqlConnection connection, NpgsqlTransaction transaction, string period) =>
        FindingsSql.Write(connection, transaction, period, expression => $"string_agg(DISTINCT {expression}, ',')");

    public IReadOnlyList<Finding> ListFindings(DateOnly period, string? kind, (string Kind, string Subject)? after, int limit)
    {
        using var connection = _source.OpenConnection();
        return FindingsSql.List(connection, Iso(period), kind, after, limit);
    }

    public IReadOnlyDictionary<string, long> CountFindings(DateOnly period)
    {
        using var connection = _source.OpenConnection();
        return FindingsSql.Count(connection, Iso(period));
    }
}
