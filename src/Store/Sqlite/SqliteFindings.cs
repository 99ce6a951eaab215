using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

// Comparison (比对) of a merged period on SQLite (FindingsSql).
public sealed class SqliteFindings : IFindings
{
    private readonly SqliteStore _db;

    internal SqliteFindings(SqliteStore db) => _db = db;

    /// <summary>Writes a merged period's findings, in the seal's transaction.</summary>
    internal static void Write(SqliteConnection connection, SqliteTransaction transaction, string period, ICityPopulations? populations) =>
        FindingsSql.Write(connection, transaction, period, expression => $"group_concat(DISTINCT {expression})", populations);

    /// <summary>
    /// The findings of a sealed merged period, ordered by kind and subject, optionally of one kind;
    /// <paramref name="after"/> (kind and subject of the last one seen) pages through them.
    /// </summary>
    public IReadOnlyList<Finding> ListFindings(Period period, string? kind, (string Kind, string Subject)? after, int limit)
    {
        using var connection = _db.OpenReader();
        return FindingsSql.List(connection, period.ToString(), kind, after, limit);
    }

    /// <summary>How many findings of each kind a sealed period has.</summary>
    public IReadOnlyDictionary<string, long> CountFindings(Period period)
    {
        using var connection = _db.OpenReader();
        return FindingsSql.Count(connection, period.ToString());
    }
}
