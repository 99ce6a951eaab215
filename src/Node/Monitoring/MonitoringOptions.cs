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

    /// <summary>What is wrong with the settings, each naming its key, or empty.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (code, population) in CityPopulation)
        {
            var division = DivisionTable.Default.Find(code);
            if (division is null || (division.Level != DivisionLevel.Prefecture && !(division.Level == DivisionLevel.Province && code[..2] is "11" or "12" or "31" or "50")))
            {
                yield return $"Monitoring:CityPopulation:{code}: not a GB/T 2260 city (a prefecture PPCC00, or a municipality 110000, 120000, 310000, 500000)";
            }
            if (population <= 0)
            {
                yield return $"Monitoring:CityPopulation:{code}: the population must be positive, got {population}";
            }
        }
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
