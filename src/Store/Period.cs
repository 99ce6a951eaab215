using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Federation.Store;

/// <summary>
/// A period: the network's snapshot as of a date, named by that date as <c>YYYY-MM-DD</c>.
/// One type for it everywhere inside the node — the store, exchange, statistics, commands — so a
/// period is parsed and printed in one place; the proto edge carries its name as a string.
/// Periods order by date, which is also the order of their names.
/// </summary>
[JsonConverter(typeof(PeriodJsonConverter))]
public readonly record struct Period(DateOnly AsOf) : IComparable<Period>
{
    private const string Format = "yyyy-MM-dd";

    /// <summary>Parses a period's name; throws <see cref="FormatException"/> naming the text when it is not one.</summary>
    public static Period Parse(string text) =>
        TryParse(text, out var period) ? period : throw new FormatException($"'{text}' is not a period: expected a date YYYY-MM-DD.");

    public static bool TryParse([NotNullWhen(true)] string? text, out Period period)
    {
        if (DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            period = new Period(date);
            return true;
        }
        period = default;
        return false;
    }

    /// <summary>A date names the period as of it.</summary>
    public static implicit operator Period(DateOnly asOf) => new(asOf);

    /// <summary>The period's name, <c>YYYY-MM-DD</c>: how it is stored, logged and sent.</summary>
    public override string ToString() => AsOf.ToString(Format, CultureInfo.InvariantCulture);

    public int CompareTo(Period other) => AsOf.CompareTo(other.AsOf);

    /// <summary>
    /// The newest calendar month that had ended by the period's date, YYYY-MM: the date's own month
    /// when it is the month's last day, else the month before. A monthly report (enterprise
    /// monitoring) of a month belongs to periods from the month's end on.
    /// </summary>
    public string LastCompleteMonth =>
        (AsOf.AddDays(1).Month != AsOf.Month ? AsOf : AsOf.AddMonths(-1)).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static bool operator <(Period left, Period right) => left.AsOf < right.AsOf;

    public static bool operator >(Period left, Period right) => left.AsOf > right.AsOf;

    public static bool operator <=(Period left, Period right) => left.AsOf <= right.AsOf;

    public static bool operator >=(Period left, Period right) => left.AsOf >= right.AsOf;
}
