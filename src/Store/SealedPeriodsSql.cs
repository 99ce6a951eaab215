using System.Data.Common;

namespace Federation.Store;

/// <summary>
/// The manifests of sealed periods and the committed child snapshots a merge names, as both stores
/// read them: the same SQL (<c>@name</c> parameters) and the same rule (<see cref="SealRules.SourceProblem"/>).
/// </summary>
internal static class SealedPeriodsSql
{
    /// <summary>Every sealed period's manifest, oldest first.</summary>
    internal static IReadOnlyList<Manifest> ListManifests(DbConnection connection)
    {
        using var command = FindingsSql.Command(connection, null, "SELECT period, counts, digest, sealed_at, sources FROM manifests ORDER BY period");
        using var reader = command.ExecuteReader();
        return Manifest.ReadAll(reader);
    }

    /// <summary>Refuses a merge of a child snapshot that is not committed here as named (<see cref="SealRules.SourceProblem"/>).</summary>
    internal static void CheckCommitted(DbConnection connection, DbTransaction transaction, MergedSource source)
    {
        using var command = FindingsSql.Command(connection, transaction, "SELECT digest FROM child_manifests WHERE child_id = @child AND period = @period",
            ("child", source.ChildId), ("period", source.Period.ToString()));
        if (SealRules.SourceProblem(source, command.ExecuteScalar() as string) is { } problem)
        {
            throw new StoreException(problem);
        }
    }
}
