using System.Globalization;

namespace Federation.Store;

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
