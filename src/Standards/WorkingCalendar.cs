namespace Federation.Standards;

/// <summary>
/// Working days for the registration service's deadlines (DOMAIN.md, "Our precise reading of the
/// registration service"): Monday to Friday, less the configured public holidays, plus the
/// configured make-up working days (调休, a Saturday or Sunday worked in exchange). The State
/// Council publishes each year's holidays and make-up days; they are configuration, never guessed.
/// </summary>
public sealed class WorkingCalendar
{
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _makeUpDays;

    public WorkingCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> makeUpDays)
    {
        _holidays = [.. holidays];
        _makeUpDays = [.. makeUpDays];
        var both = _holidays.Intersect(_makeUpDays).Order().ToList();
        if (both.Count > 0)
        {
            throw new ArgumentException($"{both[0]:yyyy-MM-dd} is listed both as a holiday and as a make-up working day.");
        }
    }

    /// <summary>A calendar of Monday to Friday only (no holidays configured).</summary>
    public static WorkingCalendar WeekdaysOnly { get; } = new([], []);

    public bool IsWorkingDay(DateOnly date) =>
        _makeUpDays.Contains(date) || (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(date));

    /// <summary>
    /// The last day of "within <paramref name="workingDays"/> working days" of an event on
    /// <paramref name="eventDay"/>: the period starts the day after the event, whatever kind of day
    /// the event's was (民法典 art. 201), so the answer is the N-th working day after it.
    /// </summary>
    public DateOnly Deadline(DateOnly eventDay, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workingDays);
        var day = eventDay;
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }
        return day;
    }

    /// <summary>Whether something due by the end of <paramref name="deadline"/> is overdue on <paramref name="today"/>.</summary>
    public static bool Overdue(DateOnly deadline, DateOnly today) => today > deadline;
}
