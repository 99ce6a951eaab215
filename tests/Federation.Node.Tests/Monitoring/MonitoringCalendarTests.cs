using Federation.Node.Monitoring;
using Xunit;

namespace Federation.Node.Tests.Monitoring;

/// <summary>Enterprise monitoring's reporting calendar and its settings' checks.</summary>
public sealed class MonitoringCalendarTests
{
    private static readonly MonitoringOptions Defaults = new();

    [Theory]
    // Cities by the 5th of the next month, provinces by the 10th: the deadline day itself is due.
    [InlineData("2026-11-04", true, "2026-09")]
    [InlineData("2026-11-05", true, "2026-10")]
    [InlineData("2026-11-09", false, "2026-09")]
    [InlineData("2026-11-10", false, "2026-10")]
    [InlineData("2026-01-05", true, "2025-12")]
    public void ExpectedMonth_IsTheNewestMonthWhoseDeadlineHasCome(string today, bool city, string expected) =>
        Assert.Equal(expected, MonitoringCalendar.ExpectedMonth(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), city, Defaults));

    [Fact]
    public void AHolidayOverride_MovesTheDeadline()
    {
        var options = new MonitoringOptions { DeadlineOverrides = { ["2026-09"] = new DeadlineOverride { City = "2026-10-09", Province = "2026-10-12" } } };

        Assert.Equal("2026-08", MonitoringCalendar.ExpectedMonth(new DateOnly(2026, 10, 8), true, options));
        Assert.Equal("2026-09", MonitoringCalendar.ExpectedMonth(new DateOnly(2026, 10, 9), true, options));
        Assert.Equal("2026-08", MonitoringCalendar.ExpectedMonth(new DateOnly(2026, 10, 11), false, options));
        Assert.Equal(new DateOnly(2026, 11, 10), MonitoringCalendar.Deadline("2026-10", city: false, options));
    }

    [Fact]
    public void Settings_AreCheckedNamingTheKey()
    {
        var options = new MonitoringOptions
        {
            CityPopulation = { ["440106"] = 1_000, ["440100"] = 0, ["310000"] = 24_000_000 },
            CityDeadlineDay = 31,
            DeadlineOverrides = { ["2026-9"] = new DeadlineOverride(), ["2026-09"] = new DeadlineOverride { City = "2026-09-30" } },
        };

        Assert.Equal(
        [
            "Monitoring:CityPopulation:440106: not a GB/T 2260 city (a prefecture, a county-level unit directly under its province such as 429004, or a municipality 110000, 120000, 310000, 500000)",
            "Monitoring:CityPopulation:440100: the population must be positive, got 0",
            "Monitoring:CityDeadlineDay: 31 is not a day every month has (1–28)",
            "Monitoring:DeadlineOverrides:2026-9: not a survey month YYYY-MM",
            "Monitoring:DeadlineOverrides:2026-09:City: '2026-09-30' is not a date YYYY-MM-DD after the month",
        ], options.Problems());
    }
}
