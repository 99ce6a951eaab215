using System.Globalization;
using System.Text.RegularExpressions;

namespace Federation.Reporting;

/// <summary>A calendar quarter, written <c>2026Q3</c>.</summary>
internal readonly partial record struct Quarter(int Year, int Number)
{
    public static Quarter Parse(string text)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new ArgumentException($"'{text}' is not a quarter; write it like 2026Q3.");
        }
        var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return year < 1990 ? throw new ArgumentException($"'{text}': the network's data starts in 1990.") : new Quarter(year, match.Groups[2].Value[0] - '0');
    }

    [GeneratedRegex("^([0-9]{4})[Qq]([1-4])$")]
    private static partial Regex Pattern();

    public DateOnly First => new(Year, (Number - 1) * 3 + 1, 1);

    public DateOnly Last => First.AddMonths(3).AddDays(-1);

    public Quarter Shift(int quarters)
    {
        var index = Year * 4 + (Number - 1) + quarters;
        return new Quarter(index / 4, index % 4 + 1);
    }

    /// <summary>The survey months of the quarter, YYYY-MM.</summary>
    public IEnumerable<string> Months
    {
        get
        {
            var first = First;
            return Enumerable.Range(0, 3).Select(i => first.AddMonths(i).ToString("yyyy-MM", CultureInfo.InvariantCulture));
        }
    }

    public string Chinese => $"{Year}年第{"一二三四"[Number - 1]}季度";

    public override string ToString() => $"{Year}Q{Number}";
}
