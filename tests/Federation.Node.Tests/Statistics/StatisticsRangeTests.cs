using Federation.Node.Statistics;
using Federation.Protocol.V1;
using Xunit;

namespace Federation.Node.Tests.Statistics;

/// <summary>R-16: without dates the indicators count the statistics month (21st to 20th), the latest ending by the period; the calendar month on request.</summary>
public sealed class StatisticsRangeTests
{
    [Theory]
    [InlineData("2026-10-31", "2026-09-21", "2026-10-20")]
    [InlineData("2026-11-15", "2026-09-21", "2026-10-20")] // November's statistics month ends after the 15th
    [InlineData("2026-11-20", "2026-10-21", "2026-11-20")]
    [InlineData("2026-01-10", "2025-11-21", "2025-12-20")] // across the year
    [InlineData("2026-03-31", "2026-02-21", "2026-03-20")]
    public void NoDates_CountR16sStatisticsMonth(string asOf, string from, string to) =>
        Assert.Equal((Parse(from), Parse(to)), StatisticsService.Range(new GetIndicatorsRequest(), Parse(asOf)));

    [Fact]
    public void CalendarMonth_AndGivenDates_AreKept()
    {
        var asOf = Parse("2026-10-31");
        Assert.Equal((Parse("2026-10-01"), asOf), StatisticsService.Range(new GetIndicatorsRequest { CalendarMonth = true }, asOf));
        Assert.Equal((Parse("2026-10-01"), Parse("2026-10-20")), StatisticsService.Range(new GetIndicatorsRequest { To = "2026-10-20" }, asOf));
        Assert.Equal((Parse("2026-01-01"), asOf), StatisticsService.Range(new GetIndicatorsRequest { From = "2026-01-01" }, asOf));
    }

    private static DateOnly Parse(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
