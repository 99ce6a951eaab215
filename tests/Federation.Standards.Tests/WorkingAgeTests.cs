using Xunit;

namespace Federation.Standards.Tests;

public class WorkingAgeTests
{
    private static readonly DateOnly Born = new(2000, 6, 15);

    [Theory]
    [InlineData("2016-06-14", false)] // the day before the 16th birthday
    [InlineData("2016-06-15", true)]  // the 16th birthday counts
    [InlineData("2060-06-14", true)]  // a man, the day before his 60th birthday
    [InlineData("2060-06-15", false)] // the 60th birthday does not count
    public void Man_Boundaries(string date, bool expected) =>
        Assert.Equal(expected, WorkingAge.IsWorkingAge(Born, Sex.Male, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2055-06-14", true)]
    [InlineData("2055-06-15", false)]
    public void Woman_Boundaries(string date, bool expected) =>
        Assert.Equal(expected, WorkingAge.IsWorkingAge(Born, Sex.Female, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2017-02-28", 16)] // common year: the 17th birthday is 1 March
    [InlineData("2017-03-01", 17)]
    [InlineData("2020-02-29", 20)]
    public void AgeOn_LeapDayBirth(string date, int expected) =>
        Assert.Equal(expected, WorkingAge.AgeOn(new DateOnly(2000, 2, 29), DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void UnknownSex_IsNeverCounted() => Assert.False(WorkingAge.IsWorkingAge(Born, Sex.Unknown, new DateOnly(2030, 1, 1)));
}
