using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Federation.Store.Tests.Properties;

/// <summary>
/// <see cref="Period"/> over every date .NET can name (FsCheck): its name parses back to it, in
/// JSON too; periods order as their names do (the store and the wire compare names); only the one
/// spelling parses; and its last complete month is the newest month that had ended by its date.
/// </summary>
public sealed class PeriodPropertyTests
{
    private const int Runs = 500;

    private static readonly Arbitrary<Period> Periods =
        Gen.Choose(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber).Select(day => new Period(DateOnly.FromDayNumber(day))).ToArbitrary();

    [Property(MaxTest = Runs)]
    public Property ParseOfToString_GivesThePeriodBack() => Prop.ForAll(Periods, (Period period) =>
    {
        var name = period.ToString();

        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", name);
        Assert.Equal(period, Period.Parse(name));
        Assert.Equal(period, JsonSerializer.Deserialize<Period>(JsonSerializer.Serialize(period)));
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(period));
    });

    [Property(MaxTest = Runs)]
    public Property Order_IsTheOrderOfTheNames() => Prop.ForAll(Periods, Periods, (Period a, Period b) =>
    {
        var byName = Math.Sign(string.CompareOrdinal(a.ToString(), b.ToString()));

        Assert.Equal(byName, Math.Sign(a.CompareTo(b)));
        Assert.Equal(byName < 0, a < b);
        Assert.Equal(byName > 0, a > b);
        Assert.Equal(byName <= 0, a <= b);
        Assert.Equal(byName >= 0, a >= b);
        Assert.Equal(byName == 0, a == b);
    });

    [Property(MaxTest = Runs)]
    public Property AnotherSpelling_IsRefusedNamingTheText() =>
        Prop.ForAll(Periods, Arb.From(Gen.Elements(new Func<Period, string>[] {
            p => p.AsOf.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture),
            p => p.AsOf.ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture),
            p => " " + p,
            p => p + "T00:00:00",
            p => p.ToString().Replace('-', '－') })), (Period period, Func<Period, string> respell) =>
        {
            var text = respell(period);

            Assert.False(Period.TryParse(text, out _));
            var refused = Assert.Throws<FormatException>(() => Period.Parse(text));
            Assert.Contains($"'{text}'", refused.Message, StringComparison.Ordinal);
        });

    [Property(MaxTest = Runs)]
    public Property LastCompleteMonth_IsTheNewestMonthEndedByTheDate() =>
        Prop.ForAll(Arb.Filter(Periods, p => p.AsOf.Year is > 1 and < 9999), (Period period) =>
        {
            var month = DateOnly.ParseExact(period.LastCompleteMonth + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var monthEnd = month.AddMonths(1).AddDays(-1);
            var nextMonthEnd = month.AddMonths(2).AddDays(-1);

            Assert.True(monthEnd <= period.AsOf, $"{period}: {period.LastCompleteMonth} had not ended");
            Assert.True(nextMonthEnd > period.AsOf, $"{period}: the month after {period.LastCompleteMonth} had ended too");
        });
}
