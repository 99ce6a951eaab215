using Federation.Node.Configuration;
using Federation.Node.Exchange;
using Xunit;

namespace Federation.Node.Tests.Exchange;

/// <summary>R-3: which period is due from a child on a date.</summary>
public sealed class ReportingCalendarTests
{
    [Theory]
    [InlineData("2026-11-04", "2026-10-15")] // before the 5th: the 15th of last month is the newest due
    [InlineData("2026-11-05", "2026-10-31")] // the 5th: last month's end
    [InlineData("2026-11-19", "2026-10-31")]
    [InlineData("2026-11-20", "2026-11-15")] // the 20th: this month's 15th
    [InlineData("2026-01-03", "2025-12-15")] // across the year
    [InlineData("2026-03-05", "2026-02-28")]
    public void Cities(string today, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            ReportingCalendar.ExpectedPeriod(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), NodeLevel.City));

    [Theory]
    [InlineData("2026-11-07", "2026-10-15")] // provinces forward by the 8th
    [InlineData("2026-11-08", "2026-10-31")]
    [InlineData("2026-11-22", "2026-10-31")]
    [InlineData("2026-11-23", "2026-11-15")]
    public void Provinces(string today, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            ReportingCalendar.ExpectedPeriod(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), NodeLevel.Province));
}
