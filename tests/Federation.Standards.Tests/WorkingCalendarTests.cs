using Xunit;

namespace Federation.Standards.Tests;

/// <summary>The registration service's working-day deadlines (3 working days to decide, 5 to contact).</summary>
public sealed class WorkingCalendarTests
{
    private static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    // National Day 2026 as configured for the test (not a claim about the State Council's notice):
    // 1–7 October off, Sunday 11 October worked.
    private static readonly WorkingCalendar NationalDay = new(
        [D("2026-10-01"), D("2026-10-02"), D("2026-10-05"), D("2026-10-06"), D("2026-10-07")],
        [D("2026-10-11")]);

    [Theory]
    // Received Monday: Tuesday, Wednesday, Thursday — decided by the end of Thursday.
    [InlineData("2026-11-02", 3, "2026-11-05")]
    // Received Friday: Monday, Tuesday, Wednesday.
    [InlineData("2026-11-06", 3, "2026-11-11")]
    // Received on a Saturday: the day of receipt does not count, whatever kind of day it was.
    [InlineData("2026-11-07", 3, "2026-11-11")]
    // Contact within 5 working days of a decision on Thursday: Fri, Mon, Tue, Wed, Thu.
    [InlineData("2026-11-05", 5, "2026-11-12")]
    public void Deadline_IsTheNthWorkingDayAfterTheEvent(string eventDay, int days, string expected) =>
        Assert.Equal(D(expected), WorkingCalendar.WeekdaysOnly.Deadline(D(eventDay), days));

    [Fact]
    public void Holidays_AreSkipped_MakeUpDaysCount()
    {
        // Received Wednesday 30 September: Thu 1 Oct (holiday) … first working day Thu 8, then Fri 9, then Sun 11 (make-up).
        Assert.Equal(D("2026-10-11"), NationalDay.Deadline(D("2026-09-30"), 3));
        Assert.False(NationalDay.IsWorkingDay(D("2026-10-05")));
        Assert.True(NationalDay.IsWorkingDay(D("2026-10-11")));
        Assert.False(WorkingCalendar.Overdue(D("2026-10-11"), D("2026-10-11")));
        Assert.True(WorkingCalendar.Overdue(D("2026-10-11"), D("2026-10-12")));
    }

    [Fact]
    public void ADayListedAsBoth_IsRefused() =>
        Assert.Equal("2026-10-11 is listed both as a holiday and as a make-up working day.",
            Assert.Throws<ArgumentException>(() => new WorkingCalendar([D("2026-10-11")], [D("2026-10-11")])).Message);
}
