using System.Globalization;
using Federation.Standards;
using Federation.Store;
using Microsoft.Data.Sqlite;

namespace Federation.Node.Statistics;

/// <summary>The figures of R-10 … R-14 for one range and jurisdiction of a sealed period.</summary>
internal sealed record IndicatorFigures(long NewUrbanEmployment, long ReemployedUnemployed, long HardToEmployEmployed, long RegisteredUnemployed)
{
    /// <summary>
    /// R-13 / (employed total + R-13) × 100, rounded half-up to 2 decimals; null when no
    /// employed total is given (it comes from the statistics bureau, not from this data).
    /// </summary>
    public decimal? UnemploymentRate(long employedTotal) =>
        employedTotal <= 0 ? null : Math.Round(RegisteredUnemployed * 100m / (employedTotal + RegisteredUnemployed), 2, MidpointRounding.AwayFromZero);
}

/// <summary>
/// Computes R-10 … R-13 exactly as DOMAIN.md reads them, from a sealed period snapshot. Every
/// count is of distinct persons; sex and birth date come from the citizen ID; a record is inside
/// the jurisdiction when its handling division is. Candidate rows come from indexed SQL; the
/// rules run in C# so they read like the text.
/// </summary>
internal sealed class IndicatorCalculator(FederationStore store, IndicatorSource? source = null)
{
    private readonly IndicatorSource _source = source ?? IndicatorSource.OwnPeriod;

    private static readonly string[] EmployedExitReasons = ["unit", "self", "flexible"];

    public IndicatorFigures Compute(DateOnly period, DateOnly from, DateOnly to, Jurisdiction jurisdiction)
    {
        // A sealed period never changes, so separate queries see consistent data.
        using var connection = store.OpenReader();
        var p = Iso(period);
        var (newUrban, reemployed) = NewUrbanEmployment(connection, p, from, to, jurisdiction);
        return new IndicatorFigures(newUrban, reemployed, HardToEmployEmployed(connection, p, from, to, jurisdiction), RegisteredUnemployed(connection, p, to, jurisdiction));
    }

    // persons with a valid employment registration E, E.start in [from, to], of working age
    // on E.start, E inside — except when E merely continues across a year boundary: another valid
    // registration E' of the same form, started before 1 January of E.start's year and still open
    // on 31 December of the previous year, with the same employer credit code for unit and
    // self-employed forms.
    // of those persons, the ones whose latest valid unemployment registration before E.start
    // (for a counted E) has category "employment → unemployment" (就业转失业).
    private (long NewUrban, long Reemployed) NewUrbanEmployment(SqliteConnection connection, string period, DateOnly from, DateOnly to, Jurisdiction jurisdiction)
    {
        using var candidates = Command(connection, """
            SELECT registration_id, citizen_id, form, employer_credit_code, start_date, handling_division FROM p_employment
            WHERE period = $period AND valid = 1 AND start_date >= $from AND start_date <= $to
            """, ("$period", period), ("$from", Iso(from)), ("$to", Iso(to)));
        using var continuation = Command(connection, """
            SELECT 1 FROM p_employment
            WHERE period = $period AND citizen_id = $citizen AND valid = 1 AND registration_id <> $id AND form = $form
              AND start_date < $yearStart AND (end_date = '' OR end_date >= $previousDecember31)
              AND ($form = 'flexible' OR employer_credit_code = $employer)
            LIMIT 1
            """, ("$period", period), ("$citizen", ""), ("$id", ""), ("$form", ""), ("$yearStart", ""), ("$previousDecember31", ""), ("$employer", ""));
        using var latestUnemployment = Command(connection, """
            SELECT category FROM p_unemployment
            WHERE period = $period AND citizen_id = $citizen AND valid = 1 AND register_date < $start
            ORDER BY register_date DESC, registration_id DESC LIMIT 1
            """, ("$period", period), ("$citizen", ""), ("$start", ""));

        var counted = new HashSet<string>(StringComparer.Ordinal);
        var reemployed = new HashSet<string>(StringComparer.Ordinal);
        using var reader = candidates.ExecuteReader();
        while (reader.Read())
        {
            var (id, citizen, form, employer, start, division) =
                (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
            var startDate = Parse(start);
            if (!jurisdiction.Contains(division) || !CitizenId.TryParse(citizen, out var person, out _) ||
                !WorkingAge.IsWorkingAge(person.BirthDate, person.Sex, startDate))
            {
                continue;
            }
            Set(continuation, ("$citizen", citizen), ("$id", id), ("$form", form), ("$employer", employer),
                ("$yearStart", Iso(new DateOnly(startDate.Year, 1, 1))), ("$previousDecember31", Iso(new DateOnly(startDate.Year - 1, 12, 31))));
            if (continuation.ExecuteScalar() is not null)
            {
                continue;
            }
            counted.Add(citizen);
            if (!reemployed.Contains(citizen))
            {
                Set(latestUnemployment, ("$citizen", citizen), ("$start", start));
                if (latestUnemployment.ExecuteScalar() as string == "employment_to_unemployment")
                {
                    reemployed.Add(citizen);
                }
            }
        }
        return (counted.Count, reemployed.Count);
    }

    // persons with an assistance-target recognition A, A.exit in [from, to], exit reason unit
    // employment, self-employment or flexible employment, A inside, who have a valid employment
    // registration with start on or after A.exit.
    private long HardToEmployEmployed(SqliteConnection connection, string period, DateOnly from, DateOnly to, Jurisdiction jurisdiction)
    {
        using var candidates = Command(connection, $"""
            SELECT citizen_id, exit_date, handling_division FROM p_assistance
            WHERE period = $period AND valid = 1 AND exit_date >= $from AND exit_date <= $to
              AND exit_reason IN ({string.Join(", ", EmployedExitReasons.Select(r => $"'{r}'"))})
            """, ("$period", period), ("$from", Iso(from)), ("$to", Iso(to)));
        using var employedAfter = Command(connection, """
            SELECT 1 FROM p_employment WHERE period = $period AND citizen_id = $citizen AND valid = 1 AND start_date >= $exit LIMIT 1
            """, ("$period", period), ("$citizen", ""), ("$exit", ""));
        var counted = new HashSet<string>(StringComparer.Ordinal);
        using var reader = candidates.ExecuteReader();
        while (reader.Read())
        {
            var (citizen, exit, division) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
            if (!jurisdiction.Contains(division) || counted.Contains(citizen))
            {
                continue;
            }
            Set(employedAfter, ("$citizen", citizen), ("$exit", exit));
            if (employedAfter.ExecuteScalar() is not null)
            {
                counted.Add(citizen);
            }
        }
        return counted.Count;
    }

    // persons with a valid unemployment registration U inside, registered on or before `to`,
    // not cancelled on or before `to`, of working age on `to`.
    private long RegisteredUnemployed(SqliteConnection connection, string period, DateOnly to, Jurisdiction jurisdiction)
    {
        using var candidates = Command(connection, """
            SELECT citizen_id, handling_division FROM p_unemployment
            WHERE period = $period AND valid = 1 AND register_date <= $to AND (cancel_date = '' OR cancel_date > $to)
            """, ("$period", period), ("$to", Iso(to)));
        var counted = new HashSet<string>(StringComparer.Ordinal);
        using var reader = candidates.ExecuteReader();
        while (reader.Read())
        {
            var (citizen, division) = (reader.GetString(0), reader.GetString(1));
            if (jurisdiction.Contains(division) && CitizenId.TryParse(citizen, out var person, out _) &&
                WorkingAge.IsWorkingAge(person.BirthDate, person.Sex, to))
            {
                counted.Add(citizen);
            }
        }
        return counted.Count;
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, string Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = _source.Apply(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
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

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Parse(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
