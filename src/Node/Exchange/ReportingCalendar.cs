

namespace Federation.Node.Exchange;

/// <summary>
/// The reporting calendar: twice a month, data as of the end of the previous month is due
/// from cities on the 5th, data as of the 15th on the 20th; provinces forward what they merged
/// three days later (the 8th, as R-3 says for the monthly report; the 23rd by the same margin —
/// our reading, the documents name no date for the 15th's period at province level). The
/// parent's view: which period a child should have delivered by a date, and so whether it is late.
/// Pulls themselves do not wait for these dates: a parent polls and takes a period as soon as it is sealed.
/// </summary>
internal static class ReportingCalendar
{
    /// <summary>The newest period a child of <paramref name="childLevel"/> must have delivered by <paramref name="today"/>.</summary>
    public static DateOnly ExpectedPeriod(DateOnly today, NodeLevel childLevel)
    {
        var margin = childLevel == NodeLevel.City ? 0 : 3;
        var monthEndDue = 5 + margin;
        var midMonthDue = 20 + margin;
        var previousMonthEnd = new DateOnly(today.Year, today.Month, 1).AddDays(-1);
        if (today.Day >= midMonthDue)
        {
            return new DateOnly(today.Year, today.Month, 15);
        }
        if (today.Day >= monthEndDue)
        {
            return previousMonthEnd;
        }
        return new DateOnly(previousMonthEnd.Year, previousMonthEnd.Month, 15);
    }
}
