using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federation.Store;

// Comparison (比对) of a merged period on SQLite (FindingsSql).
public sealed partial class FederationStore : IFindings
{
    private void WriteFindings(SqliteTransaction transaction, string period) =>
        FindingsSql.Write(_connection, transaction, period, expression => $"group_concat(DISTINCT {expression})");

    /// <summary>
    /// The findings of a sealed merged period, ordered by kind and subject, optionally of one kind;
    /// <paramref name="after"/> (kind and subject of the last one seen) pages through them.
    /// </summary>
    public IReadOnlyList<Finding> ListFindings(DateOnly period, string? kind, (string Kind, string Subject)? after, int limit)
    {
        using var connection = OpenReader();
        return FindingsSql.List(connection, period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), kind, after, limit);
    }

    /// <summary>How many findings of each kind a sealed period has.</summary>
    public IReadOnlyDictionary<string, long> CountFindings(DateOnly period)
    {
        using var connection = OpenReader();
        return FindingsSql.Count(connection, period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}
