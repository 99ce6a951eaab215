namespace Federation.Store;

/// <summary>
/// What any store checks before sealing a period, whatever database is behind it: not in the
/// future (Beijing time), in order, and — what a period contains — nothing dated after it.
/// </summary>
public static class SealRules
{
    /// <summary>
    /// What a period contains: a period as of D is what had happened by D, so every date of every
    /// record sealed into it (birth, issue, start, end, register, cancel, recognition, exit) is on or
    /// before D. Staged records dated later would put the future into the snapshot — an employment
    /// that starts after the period would count in the period's statistics — so sealing is refused,
    /// naming each dataset and date column, how many records and the latest date. Children's
    /// snapshots were checked when their own periods were sealed.
    /// </summary>
    /// <param name="period">The period, YYYY-MM-DD.</param>
    /// <param name="countAfter">
    /// Counts the staged records of a dataset whose column is greater than the bound given (a date,
    /// or for a survey month the period's last complete month), and the latest such value.
    /// </param>
    internal static string? DatedAfterProblem(string period, Func<Dataset, string, string, (long Count, string? Latest)> countAfter)
    {
        var asOf = Period.Parse(period);
        var found = new List<string>();
        var latest = "";
        foreach (var dataset in Dataset.All)
        {
            foreach (var column in DateColumns(dataset))
            {
                var (count, max) = countAfter(dataset, column, Bound(asOf, column));
                if (count > 0)
                {
                    found.Add($"{dataset.Name}.{column}: {count} (latest {max})");
                    var day = EndOfMonth(max!);
                    latest = string.CompareOrdinal(day, latest) > 0 ? day : latest;
                }
            }
        }
        return found.Count == 0 ? null
            : $"Period {period} cannot be sealed: staged records are dated after it — {string.Join("; ", found)}. " +
              $"A period holds what had happened by its date; seal as of {latest} or later, or correct the dates at the source.";
    }

    /// <summary>
    /// The latest value a record's date or month <paramref name="column"/> may hold in the period:
    /// its date, or for a survey month the period's last complete month (a survey month holds what
    /// happened by the month's end: it belongs to periods from that day on).
    /// </summary>
    internal static string Bound(Period period, string column) => column == "survey_month" ? period.LastCompleteMonth : period.ToString();

    /// <summary>
    /// One record's value of a date or month column against the period, as sealing judges the staged
    /// data (<see cref="DatedAfterProblem"/>) and a parent a received record: the bound it passes
    /// when it is after the period, else null.
    /// </summary>
    internal static string? DatedAfter(Period period, string column, string value)
    {
        var bound = Bound(period, column);
        return value.Length > 0 && string.CompareOrdinal(value, bound) > 0 ? bound : null;
    }

    // A month (YYYY-MM, enterprise monitoring) is over on its last day; a date is itself.
    private static string EndOfMonth(string value) =>
        value.Length == 7 && DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var first)
            ? new Period(first.AddMonths(1).AddDays(-1)).ToString() : value;

    /// <summary>
    /// Why a period as of <paramref name="period"/> cannot be sealed at <paramref name="now"/>, or
    /// null. A period is sealed once its date has come, on Beijing time (UTC+8, the network's
    /// calendar): a period dated in the future would sort after every real one and, since
    /// periods are sealed in order, block them all.
    /// </summary>
    public static string? FutureProblem(Period period, DateTimeOffset now)
    {
        var today = new Period(Federation.Standards.BeijingTime.Date(now));
        return period > today ? $"Period {period} is in the future (today is {today}, Beijing time); a period is sealed on or after its as-of date." : null;
    }

    /// <summary>
    /// A dataset's date columns (ISO text, so they compare as text) and month columns (YYYY-MM):
    /// a month compares after a period's date exactly when it is a later month ('2026-10' &lt;
    /// '2026-10-31' &lt; '2026-11'), so one comparison serves both.
    /// </summary>
    internal static IEnumerable<string> DateColumns(Dataset dataset) =>
        dataset.Columns.Where(c => c.EndsWith("_date", StringComparison.Ordinal) || c.EndsWith("_month", StringComparison.Ordinal));

    /// <summary>Why <paramref name="period"/> cannot follow <paramref name="latest"/>, or null.</summary>
    internal static string? OrderProblem(string period, string? latest) =>
        latest is null || string.CompareOrdinal(latest, period) < 0 ? null
        : latest == period ? $"Period {period} is already sealed; a sealed period cannot be changed (R-4)."
        : $"Period {period} is before the latest sealed period {latest}; periods are sealed in order.";

    /// <summary>Why a merged period cannot take <paramref name="source"/> when the store holds <paramref name="committedDigest"/> for it, or null.</summary>
    internal static string? SourceProblem(MergedSource source, string? committedDigest) =>
        committedDigest == source.Digest ? null
        : committedDigest is null ? $"No committed snapshot of {source.ChildId} for {source.Period}; pull it before sealing."
        : $"{source.ChildId}'s committed snapshot of {source.Period} has digest {committedDigest}, not {source.Digest}.";
}
