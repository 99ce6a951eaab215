using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Statistics;

/// <summary>The figures of R-10 … R-14 for one range and jurisdiction of a sealed period.</summary>
internal sealed record IndicatorFigures(long NewUrbanEmployment, long ReemployedUnemployed, long HardToEmployEmployed, long RegisteredUnemployed)
{
    /// <summary>Unemployment registrations made in the range, inside the jurisdiction (inflow).</summary>
    public long UnemploymentInflow { get; init; }

    /// <summary>Of <see cref="UnemploymentInflow"/>, those opened by an online application (<see cref="Registration.RegistrationDesk.OnlinePrefix"/>).</summary>
    public long UnemploymentInflowOnline { get; init; }

    /// <summary>Unemployment registrations cancelled (注销) in the range (outflow), and by their R-17 reason, most first.</summary>
    public long UnemploymentOutflow { get; init; }

    public IReadOnlyList<(string Reason, long Registrations)> ExitReasons { get; init; } = [];

    /// <summary>
    /// R-13 / (employed total + R-13) × 100, rounded half-up to 2 decimals; null when no
    /// employed total is given (it comes from the statistics bureau, not from this data).
    /// </summary>
    public decimal? UnemploymentRate(long employedTotal) =>
        employedTotal <= 0 ? null : Math.Round(RegisteredUnemployed * 100m / (employedTotal + RegisteredUnemployed), 2, MidpointRounding.AwayFromZero);
}

/// <summary>
/// Computes R-10 … R-13 exactly as DOMAIN.md reads them, from sealed data. Every count is of
/// distinct persons; sex and birth date come from the citizen ID; a record is inside the
/// jurisdiction when its handling division is. Candidate rows and point questions come from the
/// store (<see cref="IIndicatorQueries"/>, indexed queries); the rules run here so they read like
/// the text.
/// </summary>
internal sealed class IndicatorCalculator(IIndicatorQueries queries)
{
    private static readonly string[] EmployedExitReasons = ["unit", "self", "flexible"];

    /// <summary>The figures of this node's own sealed <paramref name="period"/>.</summary>
    public IndicatorFigures Compute(Period period, DateOnly from, DateOnly to, Jurisdiction jurisdiction) =>
        Compute(IndicatorScope.OwnPeriod(period), from, to, jurisdiction);

    public IndicatorFigures Compute(IndicatorScope scope, DateOnly from, DateOnly to, Jurisdiction jurisdiction)
    {
        using var reader = queries.Open(scope);
        var (newUrban, reemployed) = NewUrbanEmployment(reader, from, to, jurisdiction);
        var flows = reader.UnemploymentFlows(from, to).Where(s => jurisdiction.Contains(s.HandlingDivision)).ToList();
        var exits = flows.Where(s => s.Cancelled is { } c && c >= from && c <= to).ToList();
        return new IndicatorFigures(newUrban, reemployed, HardToEmployEmployed(reader, from, to, jurisdiction), RegisteredUnemployed(reader, to, jurisdiction))
        {
            // Registrations, not persons: a flow counts every registration made or cancelled in the range.
            UnemploymentInflow = flows.Count(s => s.Registered >= from && s.Registered <= to),
            UnemploymentInflowOnline = flows.Count(s => s.Registered >= from && s.Registered <= to
                && s.RegistrationId.StartsWith(Registration.RegistrationDesk.OnlinePrefix, StringComparison.Ordinal)),
            UnemploymentOutflow = exits.Count,
            ExitReasons = [.. exits.GroupBy(s => s.CancelReason, StringComparer.Ordinal).Select(g => (g.Key, (long)g.Count()))
                .OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal)],
        };
    }

    // persons with a valid employment registration E, E.start in [from, to], of working age
    // on E.start, E inside — except when E merely continues across a year boundary: another valid
    // registration E' of the same form, started before 1 January of E.start's year and still open
    // on 31 December of the previous year, with the same employer credit code for unit and
    // self-employed forms.
    // of those persons, the ones whose latest valid unemployment registration before E.start
    // (for a counted E) has category "employment → unemployment" (就业转失业).
    private static (long NewUrban, long Reemployed) NewUrbanEmployment(IIndicatorReader reader, DateOnly from, DateOnly to, Jurisdiction jurisdiction)
    {
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var reemployed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in reader.EmploymentStarts(from, to))
        {
            if (!jurisdiction.Contains(start.HandlingDivision) || !CitizenId.TryParse(start.CitizenId, out var person, out _) ||
                !WorkingAge.IsWorkingAge(person.BirthDate, person.Sex, start.Start) || reader.ContinuesAcrossYear(start))
            {
                continue;
            }
            counted.Add(start.CitizenId);
            if (!reemployed.Contains(start.CitizenId) && reader.LatestUnemploymentCategory(start.CitizenId, start.Start) == "employment_to_unemployment")
            {
                reemployed.Add(start.CitizenId);
            }
        }
        return (counted.Count, reemployed.Count);
    }

    // persons with an assistance-target recognition A, A.exit in [from, to], exit reason unit
    // employment, self-employment or flexible employment, A inside, who have a valid employment
    // registration with start on or after A.exit.
    private static long HardToEmployEmployed(IIndicatorReader reader, DateOnly from, DateOnly to, Jurisdiction jurisdiction)
    {
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var exit in reader.AssistanceExits(from, to, EmployedExitReasons))
        {
            if (jurisdiction.Contains(exit.HandlingDivision) && !counted.Contains(exit.CitizenId) && reader.EmployedFrom(exit.CitizenId, exit.Exit))
            {
                counted.Add(exit.CitizenId);
            }
        }
        return counted.Count;
    }

    // persons with a valid unemployment registration U inside, registered on or before `to`,
    // not cancelled on or before `to`, of working age on `to`.
    private static long RegisteredUnemployed(IIndicatorReader reader, DateOnly to, Jurisdiction jurisdiction)
    {
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (citizen, division) in reader.UnemployedOn(to))
        {
            if (jurisdiction.Contains(division) && CitizenId.TryParse(citizen, out var person, out _) &&
                WorkingAge.IsWorkingAge(person.BirthDate, person.Sex, to))
            {
                counted.Add(citizen);
            }
        }
        return counted.Count;
    }
}
