using Federation.Standards;

namespace Federation.Node.Monitoring;

/// <summary>
/// Enterprise monitoring settings of a parent node (section <c>Monitoring</c>): each monitored
/// city's population, which sets its minimum sample (DOMAIN.md: ≥ 1,000,000 → 60, 500,000 … →
/// 45, fewer → 30; directly governed municipalities 300 whatever it says). A city not listed gets
/// a finding saying its minimum could not be checked.
/// </summary>
public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    /// <summary>GB/T 2260 city code (PPCC00, or PP0000 for a municipality) → resident population.</summary>
    public Dictionary<string, long> CityPopulation { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The day of the next month by which a city's reports of a month are due (DOMAIN.md: the 5th).</summary>
    public int CityDeadlineDay { get; set; } = 5;

    /// <summary>The day of the next month by which a province forwards them (the 10th).</summary>
    public int ProvinceDeadlineDay { get; set; } = 10;

    /// <summary>Holiday moves: survey month YYYY-MM → its deadlines, e.g. <c>"2026-09": { "City": "2026-10-09", "Province": "2026-10-12" }</c>.</summary>
    public Dictionary<string, DeadlineOverride> DeadlineOverrides { get; set; } = new(StringComparer.Ordinal);

    /// <summary>What is wrong with the settings, each naming its key, or empty.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (code, population) in CityPopulation)
        {
            var division = DivisionTable.Default.Find(code);
            // A monitoring city, by the table: what EnterpriseMonitoring.MonitoringCity gives for its counties.
            if (division is null || (division.Level == DivisionLevel.Province ? !EnterpriseMonitoring.IsMunicipality(code) : EnterpriseMonitoring.MonitoringCity(code) != code))
            {
                yield return $"Monitoring:CityPopulation:{code}: not a GB/T 2260 city (a prefecture, a county-level unit directly under its province such as 429004, or a municipality 110000, 120000, 310000, 500000)";
            }
            if (population <= 0)
            {
                yield return $"Monitoring:CityPopulation:{code}: the population must be positive, got {population}";
            }
        }
        foreach (var (name, day) in new[] { ("CityDeadlineDay", CityDeadlineDay), ("ProvinceDeadlineDay", ProvinceDeadlineDay) })
        {
            if (day is < 1 or > 28)
            {
                yield return $"Monitoring:{name}: {day} is not a day every month has (1–28)";
            }
        }
        foreach (var (month, deadlines) in DeadlineOverrides)
        {
            if (!EnterpriseMonitoring.TryParseMonth(month, out var first))
            {
                yield return $"Monitoring:DeadlineOverrides:{month}: not a survey month YYYY-MM";
                continue;
            }
            foreach (var (level, date) in new[] { ("City", deadlines.City), ("Province", deadlines.Province) })
            {
                if (date is not null && (!DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var due) || due <= first.AddMonths(1).AddDays(-1)))
                {
                    yield return $"Monitoring:DeadlineOverrides:{month}:{level}: '{date}' is not a date YYYY-MM-DD after the month";
                }
            }
        }
    }
}

/// <summary>A survey month's moved deadlines (YYYY-MM-DD), for cities and for provinces; null = the usual day.</summary>
public sealed class DeadlineOverride
{
    public string? City { get; set; }

    public string? Province { get; set; }
}

/// <summary>
/// Enterprise monitoring's reporting calendar: month M's reports are due from cities by the
/// <see cref="MonitoringOptions.CityDeadlineDay"/> of M+1 and from provinces by the
/// <see cref="MonitoringOptions.ProvinceDeadlineDay"/>, unless a holiday override moves them.
/// </summary>
internal static class MonitoringCalendar
{
    public static DateOnly Deadline(string month, bool city, MonitoringOptions options)
    {
        if (options.DeadlineOverrides.TryGetValue(month, out var moved) && (city ? moved.City : moved.Province) is { } date)
        {
            return DateOnly.ParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }
        var next = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).AddMonths(1);
        return new DateOnly(next.Year, next.Month, city ? options.CityDeadlineDay : options.ProvinceDeadlineDay);
    }

    /// <summary>The newest survey month whose reports are due by <paramref name="today"/> from a child (a city when <paramref name="city"/>).</summary>
    public static string ExpectedMonth(DateOnly today, bool city, MonitoringOptions options)
    {
        var candidate = new DateOnly(today.Year, today.Month, 1);
        for (var i = 0; i < 3; i++)
        {
            candidate = candidate.AddMonths(-1);
            var month = candidate.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            if (Deadline(month, city, options) <= today)
            {
                return month;
            }
        }
        return candidate.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Says every problem of the Monitoring settings, each naming its key.</summary>
internal sealed class MonitoringOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<MonitoringOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, MonitoringOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}
