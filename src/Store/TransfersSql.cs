using System.Data.Common;

namespace Federation.Store;

/// <summary>
/// The <c>transfers</c> table (a child's snapshot being received) as both stores read it: the same
/// SQL (<c>@name</c> parameters, which SQLite and PostgreSQL both take).
/// </summary>
internal static class TransfersSql
{
    /// <summary>The transfer in progress from a child for a period (its cursor), or null.</summary>
    internal static TransferState? Find(DbConnection connection, string childId, Period period)
    {
        using var command = FindingsSql.Command(connection, null,
            "SELECT digest, dataset, after_origin, after_key, records FROM transfers WHERE child_id = @child AND period = @period",
            ("child", childId), ("period", period.ToString()));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new TransferState(childId, period, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)) : null;
    }

    /// <summary>
    /// The newest survey month with a valid report in a child's latest committed snapshot; '' when
    /// the snapshot has a sample but no report; null when it has no sample.
    /// </summary>
    internal static string? LatestSurveyMonth(DbConnection connection, string childId)
    {
        using var command = FindingsSql.Command(connection, null, """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM c_enterprises WHERE child_id = @child AND period = (SELECT max(period) FROM child_manifests WHERE child_id = @child) AND valid = 1)
              THEN coalesce((SELECT max(survey_month) FROM c_enterprise_reports
                             WHERE child_id = @child AND period = (SELECT max(period) FROM child_manifests WHERE child_id = @child) AND valid = 1), '')
            END
            """, ("child", childId));
        return command.ExecuteScalar() as string;
    }
}
