using System.Data.Common;

namespace Federation.Store;

/// <summary>
/// Comparison (比对) of a merged period and reading its findings, one implementation for every
/// database (<c>@name</c> parameters; the only difference is how a database concatenates the
/// distinct origins of a group, <see cref="Concat"/>). Computed inside the seal's transaction over
/// the period's rows, so the findings are exactly those of the sealed data, and immutable with it.
/// Only conflicts between different origins are findings: within one city the production system
/// is the authority.
/// </summary>
internal static class FindingsSql
{
    /// <summary>The aggregate of distinct values as a comma-separated text: SQLite's group_concat, PostgreSQL's string_agg.</summary>
    internal delegate string Concat(string expression);

    // "Open on the period's date": registered on or before it and not ended before it. An
    // unemployment registration cancelled on the date no longer counts (as in R-13); an employment
    // registration ending on the date still does (as in R-10's carry-over rule).
    private const string OpenUnemployment = "valid = 1 AND register_date <= @period AND (cancel_date = '' OR cancel_date > @period)";
    private const string OpenEmployment = "valid = 1 AND start_date <= @period AND (end_date = '' OR end_date >= @period)";

    private static readonly string[] FindingColumns = ["period", "kind", "subject", "origins", "detail"];

    public static void Write(DbConnection connection, DbTransaction transaction, string period, Concat concat, ICityPopulations? populations = null)
    {
        var findings = SampleChecks.Collect(connection, transaction, period, populations);
        Collect(connection, transaction, period, findings, Finding.CertificateIssuedTwice, $"""
            SELECT certificate_number, {concat("origin")} FROM p_certificates WHERE period = @period
            GROUP BY certificate_number HAVING count(DISTINCT origin) > 1
            """, (origins, _) => $"certificate number issued by {origins.Count} nodes: {string.Join(", ", origins)}");
        Collect(connection, transaction, period, findings, Finding.DuplicateUnemployment, $"""
            SELECT citizen_id, {concat("origin")} FROM p_unemployment WHERE period = @period AND {OpenUnemployment}
            GROUP BY citizen_id HAVING count(DISTINCT origin) > 1
            """, (origins, _) => $"registered unemployed in {origins.Count} places on {period}: {string.Join(", ", origins)}");
        Collect(connection, transaction, period, findings, Finding.DuplicateEmployment, $"""
            SELECT citizen_id, {concat("origin")} FROM p_employment WHERE period = @period AND {OpenEmployment}
            GROUP BY citizen_id HAVING count(DISTINCT origin) > 1
            """, (origins, _) => $"open employment registrations in {origins.Count} places on {period}: {string.Join(", ", origins)}");
        // One pass over both tables grouped by person (a join of the two would be quadratic).
        // A person with both roles and at least two origins always has a pair of different origins.
        Collect(connection, transaction, period, findings, Finding.ConflictingState, $"""
            WITH roles AS (
              SELECT citizen_id, origin, 'u' AS role FROM p_unemployment WHERE period = @period AND {OpenUnemployment}
              UNION ALL
              SELECT citizen_id, origin, 'e' AS role FROM p_employment WHERE period = @period AND {OpenEmployment})
            SELECT citizen_id, {concat("CASE WHEN role = 'u' THEN origin END")}, {concat("CASE WHEN role = 'e' THEN origin END")}
            FROM roles GROUP BY citizen_id
            HAVING count(DISTINCT origin) > 1 AND sum(CASE WHEN role = 'u' THEN 1 ELSE 0 END) > 0 AND sum(CASE WHEN role = 'e' THEN 1 ELSE 0 END) > 0
            """, (_, reader) => $"on {period} registered unemployed at {Sorted(reader.GetString(1))} and employed at {Sorted(reader.GetString(2))}");

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO findings (period, kind, subject, origins, detail) VALUES (@period, @kind, @subject, @origins, @detail)";
        var parameters = FindingColumns.Select(name =>
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = "";
            insert.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        foreach (var finding in findings)
        {
            parameters[0].Value = finding.Period.ToString();
            parameters[1].Value = finding.Kind;
            parameters[2].Value = finding.Subject;
            parameters[3].Value = string.Join(",", finding.Origins);
            parameters[4].Value = finding.Detail;
            insert.ExecuteNonQuery();
        }
    }

    // Each query returns the subject, then one or more comma-separated origin lists.
    private static void Collect(DbConnection connection, DbTransaction transaction, string period, List<Finding> findings, string kind, string sql,
        Func<IReadOnlyList<string>, DbDataReader, string> describe)
    {
        using var command = Command(connection, transaction, sql, ("period", period));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var origins = Enumerable.Range(1, reader.FieldCount - 1).SelectMany(i => reader.GetString(i).Split(','))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            findings.Add(new Finding(Period.Parse(period), kind, reader.GetString(0), origins, describe(origins, reader)));
        }
    }

    private static string Sorted(string origins) => string.Join(", ", origins.Split(',').Order(StringComparer.Ordinal));

    /// <summary>
    /// The findings of a sealed merged period, ordered by kind and subject, optionally of one kind;
    /// <paramref name="after"/> (kind and subject of the last one seen) pages through them.
    /// </summary>
    public static IReadOnlyList<Finding> List(DbConnection connection, string period, string? kind, (string Kind, string Subject)? after, int limit)
    {
        using var command = Command(connection, null, """
            SELECT kind, subject, origins, detail FROM findings
            WHERE period = @period AND (@kind = '' OR kind = @kind) AND (kind, subject) > (@afterKind, @afterSubject)
            ORDER BY kind, subject LIMIT @limit
            """, ("period", period), ("kind", kind ?? ""), ("afterKind", after?.Kind ?? ""), ("afterSubject", after?.Subject ?? ""), ("limit", limit));
        using var reader = command.ExecuteReader();
        var findings = new List<Finding>();
        while (reader.Read())
        {
            findings.Add(new Finding(Period.Parse(period), reader.GetString(0), reader.GetString(1), reader.GetString(2).Split(','), reader.GetString(3)));
        }
        return findings;
    }

    /// <summary>How many findings of each kind a sealed period has.</summary>
    public static IReadOnlyDictionary<string, long> Count(DbConnection connection, string period)
    {
        using var command = Command(connection, null, "SELECT kind, count(*) FROM findings WHERE period = @period GROUP BY kind", ("period", period));
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>A command on either store's connection, with its parameters (<c>@name</c> in the SQL; SQLite and PostgreSQL both take it).</summary>
    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            if (value is DBNull)
            {
                parameter.DbType = System.Data.DbType.String; // a null typed, so PostgreSQL need not guess (the journal's days not set)
            }
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
