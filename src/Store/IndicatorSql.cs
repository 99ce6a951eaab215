namespace Federation.Store;

/// <summary>
/// The SQL of the indicator queries, one text for every database: <c>@name</c> parameters (both
/// SQLite and PostgreSQL read them), the table prefix (<c>p_</c> own periods, <c>c_</c> children's
/// snapshots) and how the database tests membership in a list parameter.
/// </summary>
internal sealed class IndicatorSql(string table, string scope, Func<string, string, string> inList)
{
    /// <summary>The scope condition: the period, and for children's snapshots the child list.</summary>
    public static string Scope(bool children, Func<string, string, string> inList) =>
        children ? "period = @period AND " + inList("child_id", "@children") : "period = @period";

    public string EmploymentStarts => $"""
        SELECT registration_id, citizen_id, form, employer_credit_code, start_date, handling_division FROM {table}employment
        WHERE {scope} AND valid = 1 AND start_date >= @from AND start_date <= @to
        """;

    public string Continuation => $"""
        SELECT 1 FROM {table}employment
        WHERE {scope} AND citizen_id = @citizen AND valid = 1 AND registration_id <> @id AND form = @form
          AND start_date < @yearStart AND (end_date = '' OR end_date >= @previousDecember31)
          AND (@form = 'flexible' OR employer_credit_code = @employer)
        LIMIT 1
        """;

    public string LatestUnemployment => $"""
        SELECT category FROM {table}unemployment
        WHERE {scope} AND citizen_id = @citizen AND valid = 1 AND register_date < @start
        ORDER BY register_date DESC, registration_id DESC LIMIT 1
        """;

    public string EmployedFrom => $"""
        SELECT 1 FROM {table}employment WHERE {scope} AND citizen_id = @citizen AND valid = 1 AND start_date >= @date LIMIT 1
        """;

    public string AssistanceExits => $"""
        SELECT citizen_id, exit_date, handling_division FROM {table}assistance
        WHERE {scope} AND valid = 1 AND exit_date >= @from AND exit_date <= @to AND {inList("exit_reason", "@reasons")}
        """;

    public string UnemploymentFlows => $"""
        SELECT registration_id, register_date, cancel_date, cancel_reason, handling_division FROM {table}unemployment
        WHERE {scope} AND valid = 1 AND ((register_date >= @from AND register_date <= @to) OR (cancel_date >= @from AND cancel_date <= @to))
        """;

    // Both sides filtered by the scope first (a join would make its columns ambiguous).
    public string EnterpriseReports => $"""
        SELECT r.origin, r.credit_code, e.name, e.industry, e.size_class, e.handling_division, r.baseline_count, r.current_count,
               r.reduction_type, r.reason_1, r.reason_2, r.reason_3
        FROM (SELECT * FROM {table}enterprise_reports WHERE {scope} AND valid = 1 AND survey_month = @month) r
        JOIN (SELECT * FROM {table}enterprises WHERE {scope} AND valid = 1) e ON e.origin = r.origin AND e.credit_code = r.credit_code
          AND e.joined_month < r.survey_month AND (e.left_month = '' OR e.left_month >= r.survey_month)
        ORDER BY r.origin, r.credit_code
        """;

    public string UnemployedOn => $"""
        SELECT citizen_id, handling_division FROM {table}unemployment
        WHERE {scope} AND valid = 1 AND register_date <= @to AND (cancel_date = '' OR cancel_date > @to)
        """;
}
