using System.Globalization;

namespace Federation.Store;

/// <summary>
/// Which sealed data indicators are computed from: a node's own sealed period, or the union of
/// the snapshots of that period it received from some of its children (a parent's figure for a
/// child's area, R-15).
/// </summary>
public sealed record IndicatorScope(Period Period, IReadOnlyList<string>? Children = null)
{
    public static IndicatorScope OwnPeriod(Period period) => new(period);

    public static IndicatorScope FromChildren(Period period, IEnumerable<string> childIds)
    {
        var ids = childIds.ToList();
        return ids.Count == 0 ? throw new ArgumentException("At least one child.", nameof(childIds)) : new IndicatorScope(period, ids);
    }
}

/// <summary>An employment registration that started in a range (R-10 candidates).</summary>
public sealed record EmploymentStart(string RegistrationId, string CitizenId, string Form, string EmployerCreditCode, DateOnly Start, string HandlingDivision);

/// <summary>An assistance-target exit (R-12 candidates).</summary>
public sealed record AssistanceExit(string CitizenId, DateOnly Exit, string HandlingDivision);

/// <summary>An unemployment registration that began or ended in a range (inflow and outflow).</summary>
public sealed record UnemploymentSpell(string RegistrationId, DateOnly Registered, DateOnly? Cancelled, string CancelReason, string HandlingDivision);

/// <summary>A monthly report of a monitored enterprise with its sample entry's attributes (enterprise monitoring).</summary>
public sealed record MonitoredReport(string Origin, string CreditCode, string Name, string Industry, string SizeClass, string HandlingDivision,
    long Baseline, long Current, string ReductionType, IReadOnlyList<string> Reasons);

/// <summary>The store's answers the indicator rules (R-10 … R-13) and the enterprise monitoring summaries are computed from.</summary>
public interface IIndicatorQueries
{
    /// <summary>A read session over one scope, with its statements prepared; dispose it when done.</summary>
    IIndicatorReader Open(IndicatorScope scope);
}

/// <summary>
/// Candidate rows and point questions for the indicator rules, over one scope. Only valid records
/// are seen. Sealed data never changes, so the answers of one session are consistent.
/// </summary>
public interface IIndicatorReader : IDisposable
{
    /// <summary>Employment registrations with start in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    IEnumerable<EmploymentStart> EmploymentStarts(DateOnly from, DateOnly to);

    /// <summary>
    /// Whether the person has another registration (not <paramref name="start"/>'s own) of the same
    /// form, started before 1 January of its year and still open on 31 December before it — with
    /// the same employer for unit and self-employed forms (R-10's continuation across a year).
    /// </summary>
    bool ContinuesAcrossYear(EmploymentStart start);

    /// <summary>The category of the person's latest unemployment registration before <paramref name="before"/>, or null.</summary>
    string? LatestUnemploymentCategory(string citizenId, DateOnly before);

    /// <summary>Assistance exits in [<paramref name="from"/>, <paramref name="to"/>] for one of <paramref name="reasons"/>.</summary>
    IEnumerable<AssistanceExit> AssistanceExits(DateOnly from, DateOnly to, IReadOnlyCollection<string> reasons);

    /// <summary>Whether the person has an employment registration starting on or after <paramref name="date"/>.</summary>
    bool EmployedFrom(string citizenId, DateOnly date);

    /// <summary>Persons (and the handling division) with an unemployment registration open on <paramref name="on"/>.</summary>
    IEnumerable<(string CitizenId, string HandlingDivision)> UnemployedOn(DateOnly on);

    /// <summary>Valid unemployment registrations registered or cancelled in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    IEnumerable<UnemploymentSpell> UnemploymentFlows(DateOnly from, DateOnly to);

    /// <summary>
    /// The valid monthly reports of <paramref name="surveyMonth"/> (YYYY-MM) of valid sample entries,
    /// with their entry's attributes, ordered by origin and credit code.
    /// </summary>
    IEnumerable<MonitoredReport> EnterpriseReports(string surveyMonth);
}

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

/// <summary>What an indicator session needs from its database: connections, how lists are tested and bound.</summary>
internal interface IIndicatorDialect
{
    /// <summary>A new open connection for reading sealed data.</summary>
    System.Data.Common.DbConnection Open();

    /// <summary>The condition that <paramref name="column"/> is one of the list in <paramref name="parameter"/>.</summary>
    string InList(string column, string parameter);

    /// <summary>The value a list parameter is bound to.</summary>
    object ListValue(IReadOnlyCollection<string> values);
}

/// <summary>
/// One indicator session over any database (<see cref="IIndicatorDialect"/>): the SQL of
/// <see cref="IndicatorSql"/>, statements prepared once. Two connections: one streams the
/// candidate rows while the other answers the point questions asked about each (PostgreSQL runs
/// one result set per connection at a time). Sealed data never changes, so both see the same.
/// </summary>
internal sealed class IndicatorReader : IIndicatorReader
{
    private readonly System.Data.Common.DbConnection _rows;
    private readonly System.Data.Common.DbConnection _points;
    private readonly IIndicatorDialect _dialect;
    private readonly IndicatorSql _sql;
    private readonly IndicatorScope _scope;
    private readonly System.Data.Common.DbCommand _continuation;
    private readonly System.Data.Common.DbCommand _latestUnemployment;
    private readonly System.Data.Common.DbCommand _employedFrom;

    public IndicatorReader(IIndicatorDialect dialect, IndicatorScope scope)
    {
        _dialect = dialect;
        _scope = scope;
        _rows = dialect.Open();
        _points = dialect.Open();
        _sql = new IndicatorSql(scope.Children is null ? "p_" : "c_", IndicatorSql.Scope(scope.Children is not null, dialect.InList), dialect.InList);
        _continuation = Prepare(_points, _sql.Continuation, "citizen", "id", "form", "yearStart", "previousDecember31", "employer");
        _latestUnemployment = Prepare(_points, _sql.LatestUnemployment, "citizen", "start");
        _employedFrom = Prepare(_points, _sql.EmployedFrom, "citizen", "date");
    }

    public IEnumerable<EmploymentStart> EmploymentStarts(DateOnly from, DateOnly to)
    {
        using var command = Prepare(_rows, _sql.EmploymentStarts, "from", "to");
        Set(command, ("from", Iso(from)), ("to", Iso(to)));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new EmploymentStart(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Parse(reader.GetString(4)), reader.GetString(5));
        }
    }

    public bool ContinuesAcrossYear(EmploymentStart start)
    {
        Set(_continuation, ("citizen", start.CitizenId), ("id", start.RegistrationId), ("form", start.Form), ("employer", start.EmployerCreditCode),
            ("yearStart", Iso(new DateOnly(start.Start.Year, 1, 1))), ("previousDecember31", Iso(new DateOnly(start.Start.Year - 1, 12, 31))));
        return _continuation.ExecuteScalar() is not null and not DBNull;
    }

    public string? LatestUnemploymentCategory(string citizenId, DateOnly before)
    {
        Set(_latestUnemployment, ("citizen", citizenId), ("start", Iso(before)));
        return _latestUnemployment.ExecuteScalar() as string;
    }

    public IEnumerable<AssistanceExit> AssistanceExits(DateOnly from, DateOnly to, IReadOnlyCollection<string> reasons)
    {
        using var command = Prepare(_rows, _sql.AssistanceExits, "from", "to");
        Add(command, "reasons", _dialect.ListValue(reasons));
        Set(command, ("from", Iso(from)), ("to", Iso(to)));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new AssistanceExit(reader.GetString(0), Parse(reader.GetString(1)), reader.GetString(2));
        }
    }

    public bool EmployedFrom(string citizenId, DateOnly date)
    {
        Set(_employedFrom, ("citizen", citizenId), ("date", Iso(date)));
        return _employedFrom.ExecuteScalar() is not null and not DBNull;
    }

    public IEnumerable<(string CitizenId, string HandlingDivision)> UnemployedOn(DateOnly on)
    {
        using var command = Prepare(_rows, _sql.UnemployedOn, "to");
        Set(command, ("to", Iso(on)));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetString(0), reader.GetString(1));
        }
    }

    public IEnumerable<UnemploymentSpell> UnemploymentFlows(DateOnly from, DateOnly to)
    {
        using var command = Prepare(_rows, _sql.UnemploymentFlows, "from", "to");
        Set(command, ("from", Iso(from)), ("to", Iso(to)));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var cancelled = reader.GetString(2);
            yield return new UnemploymentSpell(reader.GetString(0), Parse(reader.GetString(1)), cancelled.Length == 0 ? null : Parse(cancelled), reader.GetString(3), reader.GetString(4));
        }
    }

    public IEnumerable<MonitoredReport> EnterpriseReports(string surveyMonth)
    {
        using var command = Prepare(_rows, _sql.EnterpriseReports, "month");
        Set(command, ("month", surveyMonth));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new MonitoredReport(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                long.Parse(reader.GetString(6), CultureInfo.InvariantCulture), long.Parse(reader.GetString(7), CultureInfo.InvariantCulture), reader.GetString(8),
                [.. new[] { reader.GetString(9), reader.GetString(10), reader.GetString(11) }.Where(r => r.Length > 0)]);
        }
    }

    // Every statement binds the scope (@period, and @children for children's snapshots) plus its
    // own parameters, set before each execution.
    private System.Data.Common.DbCommand Prepare(System.Data.Common.DbConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        Add(command, "period", _scope.Period.ToString());
        if (_scope.Children is { } children)
        {
            Add(command, "children", _dialect.ListValue(children));
        }
        foreach (var name in parameters)
        {
            Add(command, name, "");
        }
        return command;
    }

    private static void Add(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static void Set(System.Data.Common.DbCommand command, params (string Name, string Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            command.Parameters[name].Value = value;
        }
    }

    public void Dispose()
    {
        _continuation.Dispose();
        _latestUnemployment.Dispose();
        _employedFrom.Dispose();
        _points.Dispose();
        _rows.Dispose();
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Parse(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
