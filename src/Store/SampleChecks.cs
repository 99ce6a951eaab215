using System.Data.Common;
using System.Globalization;
using Federation.Standards;

namespace Federation.Store;

/// <summary>
/// Enterprise monitoring's sample checks at a parent (DOMAIN.md, "Our precise reading of
/// enterprise monitoring"), run inside a merged seal's transaction beside the comparison
/// findings, for the month the period covers: each monitoring city's sample composition —
/// manufacturing (section C) ≤ 40 %, small + medium ≥ 60 %, state-owned (registration type 110)
/// ≤ 1/3, the minimum sample for the city's size — the sample entries without a report for the
/// month, and an enterprise sampled by two cities. Exact integer comparisons; boundary values pass.
/// A city is a sample's origin (the node it came from), named by the prefecture of its entries'
/// handling division (the municipality for 11, 12, 31, 50).
/// </summary>
internal static class SampleChecks
{
    /// <summary>
    /// The survey month a period as of D is checked for: the newest month ended by D (its reports
    /// are due early in the next month).
    /// </summary>
    public static string MonthOf(Period period) => period.LastCompleteMonth;

    /// <summary>The minimum sample of a city: municipalities 300; by population 60 / 45 / 30; null when the population is unknown.</summary>
    public static int? MinimumSample(string cityCode, long? population) =>
        EnterpriseMonitoring.IsMunicipality(cityCode) ? 300
        : population is not { } p ? null
        : p >= 1_000_000 ? 60 : p >= 500_000 ? 45 : 30;

    private sealed record Entry(string Origin, string CreditCode, string Industry, string Size, string Ownership, string HandlingDivision);

    public static List<Finding> Collect(DbConnection connection, DbTransaction transaction, string period, ICityPopulations? populations)
    {
        var findings = new List<Finding>();
        var asOf = Period.Parse(period);
        var month = MonthOf(asOf);
        var entries = new List<Entry>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            // In the sample for month M: joined before M, and not left before M (left = the last month reported).
            command.CommandText = """
                SELECT origin, credit_code, industry, size_class, ownership, handling_division FROM p_enterprises
                WHERE period = @period AND valid = 1 AND joined_month < @month AND (left_month = '' OR left_month >= @month)
                ORDER BY origin, credit_code
                """;
            Add(command, "period", period);
            Add(command, "month", month);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(new Entry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }
        }
        if (entries.Count == 0)
        {
            return findings;
        }
        var reported = new HashSet<(string, string)>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT origin, credit_code FROM p_enterprise_reports WHERE period = @period AND valid = 1 AND survey_month = @month";
            Add(command, "period", period);
            Add(command, "month", month);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                reported.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var city in entries.GroupBy(e => e.Origin, StringComparer.Ordinal))
        {
            var origin = city.Key;
            var n = city.Count();
            var code = EnterpriseMonitoring.MonitoringCity(city.First().HandlingDivision);
            void Add(string kind, string detail) => findings.Add(new Finding(asOf, kind, origin, [origin], $"{month}, {code}: {detail}"));
            var manufacturing = city.Count(e => e.Industry.StartsWith('C'));
            if (manufacturing * 5 > n * 2)
            {
                Add(Finding.SampleManufacturing, $"manufacturing is {manufacturing} of {n} sample entries ({Percent(manufacturing, n)}), above 40 %");
            }
            var sme = city.Count(e => e.Size is "small" or "medium");
            if (sme * 5 < n * 3)
            {
                Add(Finding.SampleSme, $"small and medium enterprises are {sme} of {n} ({Percent(sme, n)}), below 60 %");
            }
            var state = city.Count(e => EnterpriseMonitoring.OwnershipCategory(e.Ownership) == EnterpriseMonitoring.StateOwned);
            if (state * 3 > n)
            {
                Add(Finding.SampleStateOwned, $"state-owned enterprises (110) are {state} of {n} ({Percent(state, n)}), above one third");
            }
            var micro = city.Where(e => e.Size == "micro").Select(e => e.CreditCode).ToList();
            if (micro.Count > 0)
            {
                Add(Finding.SampleMicro, $"micro enterprises are not sampled: {string.Join(", ", micro)}");
            }
            long? population = populations?.PopulationOf(code);
            if (MinimumSample(code, population) is not { } minimum)
            {
                Add(Finding.SampleSize, $"the city's population is not configured (Monitoring:CityPopulation:{code}), so its minimum sample ({n} entries now) cannot be checked");
            }
            else if (n < minimum)
            {
                Add(Finding.SampleSize, $"{n} sample entries, below the minimum of {minimum} for {(population is { } known ? $"a population of {known.ToString("N0", CultureInfo.InvariantCulture)}" : "a directly governed municipality")}");
            }
            foreach (var missing in city.Where(e => !reported.Contains((e.Origin, e.CreditCode))))
            {
                // The subject names the entry: an enterprise sampled by two cities is two entries.
                findings.Add(new Finding(asOf, Finding.MissingReport, $"{missing.CreditCode}@{origin}", [origin], $"{month}: no report from this sample entry of {code} ({origin})"));
            }
        }
        foreach (var twice in entries.GroupBy(e => e.CreditCode, StringComparer.Ordinal).Where(g => g.Select(e => e.Origin).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            var origins = twice.Select(e => e.Origin).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            findings.Add(new Finding(asOf, Finding.SampledTwice, twice.Key, origins, $"{month}: the enterprise is in the samples of {origins.Count} cities: {string.Join(", ", origins)}"));
        }
        return findings;
    }

    private static string Percent(int part, int whole) => (part * 100m / whole).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static void Add(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
