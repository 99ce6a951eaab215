using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federation.Store;

/// <summary>
/// Which sealed data indicators are computed from: a node's own sealed period, or the union of
/// the snapshots of that period it received from some of its children (a parent's figure for a
/// child's area, R-15).
/// </summary>
public sealed record IndicatorScope(DateOnly Period, IReadOnlyList<string>? Children = null)
{
    public static IndicatorScope OwnPeriod(DateOnly period) => new(period);

    public static IndicatorScope FromChildren(DateOnly period, IEnumerable<string> childIds)
    {
        var ids = childIds.ToList();
        return ids.Count == 0 ? throw new ArgumentException("At least one child.", nameof(childIds)) : new IndicatorScope(period, ids);
    }
}

/// <summary>An employment registration that started in a range (R-10 candidates).</summary>
public sealed record EmploymentStart(string RegistrationId, string CitizenId, string Form, string EmployerCreditCode, DateOnly Start, string HandlingDivision);

/// <summary>An assistance-target exit (R-12 candidates).</summary>
public sealed record AssistanceExit(string CitizenId, DateOnly Exit, string HandlingDivision);

/// <summary>The store's answers the indicator rules (R-10 … R-13) are computed from.</summary>
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
}

/// <summary>
/// <see cref="IIndicatorQueries"/> on SQLite: own periods read <c>p_</c> tables, children's
/// snapshots <c>c_</c> tables filtered by child (ids bound as a JSON array parameter, never quoted
/// into the SQL). One read-only connection per session, statements prepared once.
/// </summary>
internal sealed class SqliteIndicatorQueries(FederationStore store) : IIndicatorQueries
{
    public IIndicatorReader Open(IndicatorScope scope) => new Reader(store.OpenReader(), scope);

    private sealed class Reader : IIndicatorReader
    {
        private readonly SqliteConnection _connection;
        private readonly string _table;
        private readonly string _scope;
        private readonly IndicatorScope _source;
        private readonly SqliteCommand _continuation;
        private readonly SqliteCommand _latestUnemployment;
        private readonly SqliteCommand _employedFrom;

        public Reader(SqliteConnection connection, IndicatorScope scope)
        {
            _connection = connection;
            _source = scope;
            _table = scope.Children is null ? "p_" : "c_";
            _scope = scope.Children is null ? "period = $period" : "period = $period AND child_id IN (SELECT value FROM json_each($children))";
            _continuation = Prepare($"""
                SELECT 1 FROM {_table}employment
                WHERE {_scope} AND citizen_id = $citizen AND valid = 1 AND registration_id <> $id AND form = $form
                  AND start_date < $yearStart AND (end_date = '' OR end_date >= $previousDecember31)
                  AND ($form = 'flexible' OR employer_credit_code = $employer)
                LIMIT 1
                """, "$citizen", "$id", "$form", "$yearStart", "$previousDecember31", "$employer");
            _latestUnemployment = Prepare($"""
                SELECT category FROM {_table}unemployment
                WHERE {_scope} AND citizen_id = $citizen AND valid = 1 AND register_date < $start
                ORDER BY register_date DESC, registration_id DESC LIMIT 1
                """, "$citizen", "$start");
            _employedFrom = Prepare($"""
                SELECT 1 FROM {_table}employment WHERE {_scope} AND citizen_id = $citizen AND valid = 1 AND start_date >= $date LIMIT 1
                """, "$citizen", "$date");
        }

        public IEnumerable<EmploymentStart> EmploymentStarts(DateOnly from, DateOnly to)
        {
            using var command = Prepare($"""
                SELECT registration_id, citizen_id, form, employer_credit_code, start_date, handling_division FROM {_table}employment
                WHERE {_scope} AND valid = 1 AND start_date >= $from AND start_date <= $to
                """, "$from", "$to");
            Set(command, ("$from", Iso(from)), ("$to", Iso(to)));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return new EmploymentStart(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Parse(reader.GetString(4)), reader.GetString(5));
            }
        }

        public bool ContinuesAcrossYear(EmploymentStart start)
        {
            Set(_continuation, ("$citizen", start.CitizenId), ("$id", start.RegistrationId), ("$form", start.Form), ("$employer", start.EmployerCreditCode),
                ("$yearStart", Iso(new DateOnly(start.Start.Year, 1, 1))), ("$previousDecember31", Iso(new DateOnly(start.Start.Year - 1, 12, 31))));
            return _continuation.ExecuteScalar() is not null;
        }

        public string? LatestUnemploymentCategory(string citizenId, DateOnly before)
        {
            Set(_latestUnemployment, ("$citizen", citizenId), ("$start", Iso(before)));
            return _latestUnemployment.ExecuteScalar() as string;
        }

        public IEnumerable<AssistanceExit> AssistanceExits(DateOnly from, DateOnly to, IReadOnlyCollection<string> reasons)
        {
            using var command = Prepare($"""
                SELECT citizen_id, exit_date, handling_division FROM {_table}assistance
                WHERE {_scope} AND valid = 1 AND exit_date >= $from AND exit_date <= $to
                  AND exit_reason IN (SELECT value FROM json_each($reasons))
                """, "$from", "$to", "$reasons");
            Set(command, ("$from", Iso(from)), ("$to", Iso(to)), ("$reasons", System.Text.Json.JsonSerializer.Serialize(reasons)));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return new AssistanceExit(reader.GetString(0), Parse(reader.GetString(1)), reader.GetString(2));
            }
        }

        public bool EmployedFrom(string citizenId, DateOnly date)
        {
            Set(_employedFrom, ("$citizen", citizenId), ("$date", Iso(date)));
            return _employedFrom.ExecuteScalar() is not null;
        }

        public IEnumerable<(string CitizenId, string HandlingDivision)> UnemployedOn(DateOnly on)
        {
            using var command = Prepare($"""
                SELECT citizen_id, handling_division FROM {_table}unemployment
                WHERE {_scope} AND valid = 1 AND register_date <= $to AND (cancel_date = '' OR cancel_date > $to)
                """, "$to");
            Set(command, ("$to", Iso(on)));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return (reader.GetString(0), reader.GetString(1));
            }
        }

        // Every statement binds the scope ($period, and $children for children's snapshots)
        // plus its own parameters, set before each execution.
        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$period", Iso(_source.Period));
            if (_source.Children is { } children)
            {
                command.Parameters.AddWithValue("$children", System.Text.Json.JsonSerializer.Serialize(children));
            }
            foreach (var name in parameters)
            {
                command.Parameters.AddWithValue(name, "");
            }
            command.Prepare();
            return command;
        }

        private static void Set(SqliteCommand command, params (string Name, string Value)[] values)
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
            _connection.Dispose();
        }
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Parse(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
