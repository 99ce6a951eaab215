using System.Globalization;
using Federation.Protocol.V1;
using Federation.Standards;

namespace Federation.Client;

// The calls of the statistics service: indicators and the enterprise monitoring summary.
public sealed partial class FederationClient
{
    /// <summary>
    /// Indicators R-10 … R-14 from a sealed period. <paramref name="period"/>, <paramref name="from"/>
    /// and <paramref name="to"/> are YYYY-MM-DD or null; <paramref name="division"/> a GB/T 2260 code or null.
    /// </summary>
    public Task<Indicators> GetIndicatorsAsync(string? period = null, string? from = null, string? to = null, string? division = null,
        long employedTotal = 0, CancellationToken cancellationToken = default) =>
        GetIndicatorsAsync(period, from, to, division, employedTotal, calendarMonth: false, cancellationToken);

    /// <summary>
    /// As above; without <paramref name="from"/> and <paramref name="to"/> the node counts R-16's
    /// statistics month (the 21st to the 20th), or with <paramref name="calendarMonth"/> the calendar month.
    /// </summary>
    public Task<Indicators> GetIndicatorsAsync(string? period, string? from, string? to, string? division, long employedTotal, bool calendarMonth,
        CancellationToken cancellationToken = default)
    {
        CheckDate(period, nameof(period));
        CheckDate(from, nameof(from));
        CheckDate(to, nameof(to));
        if (division is not null && DivisionTable.Default.Find(division) is null && division != Jurisdiction.NationalCode)
        {
            throw new ArgumentException($"'{division}' is not a GB/T 2260 division code.", nameof(division));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(employedTotal);
        var request = new GetIndicatorsRequest { Period = period ?? "", From = from ?? "", To = to ?? "", Division = division ?? "", EmployedTotal = employedTotal, CalendarMonth = calendarMonth };
        return CallIdempotentAsync("get indicators", options => new Statistics.StatisticsClient(_channel).GetIndicatorsAsync(request, options).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// Enterprise monitoring's summary of a survey month (YYYY-MM) from a sealed period (default: the
    /// latest): totals, by city, by industry section, and the early-warning list (a reduction of at
    /// least <paramref name="warnPercent"/> % or <paramref name="warnPeople"/> people; 0 = 10 % / 50).
    /// </summary>
    public Task<EnterpriseSummary> GetEnterpriseSummaryAsync(string month, string? period = null, int warnPercent = 0, long warnPeople = 0,
        CancellationToken cancellationToken = default)
    {
        if (month.Length != 7 || !DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new ArgumentException($"'{month}' is not a survey month YYYY-MM.", nameof(month));
        }
        CheckDate(period, nameof(period));
        ArgumentOutOfRangeException.ThrowIfNegative(warnPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(warnPercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(warnPeople);
        var request = new GetEnterpriseSummaryRequest { Month = month, Period = period ?? "", WarnPercent = warnPercent, WarnPeople = warnPeople };
        return CallIdempotentAsync("get enterprise summary", options => new Statistics.StatisticsClient(_channel).GetEnterpriseSummaryAsync(request, options).ResponseAsync, cancellationToken);
    }
}
