using System.Globalization;
using Federation.Standards;

namespace Federation.DataGen;

/// <summary>
/// Workers who moved between cities: copies people registered unemployed in one city's export
/// into another city's export, with an open unemployment registration there too — the cross-region
/// case the comparison (比对) at the common parent must find.
/// </summary>
public static class CrossRegion
{
    /// <summary>Appends up to <paramref name="count"/> moved workers to <paramref name="toExport"/>; returns their citizen IDs.</summary>
    public static IReadOnlyList<string> AddMovedWorkers(string fromExport, string toExport, string toCityCode, int count)
    {
        var counties = DivisionTable.Default.CountyLevelUnitsOf(toCityCode);
        var county = counties.Count > 0 ? counties[0]
            : throw new ArgumentException($"{toCityCode} is not a city with county-level units in GB/T 2260.", nameof(toCityCode));
        var persons = ExportFiles.ReadRows(fromExport, "persons").Where(r => r["valid"] == "1").ToDictionary(r => r["citizen_id"], StringComparer.Ordinal);
        var moved = ExportFiles.ReadRows(fromExport, "unemployment")
            .Where(u => u["valid"] == "1" && u["cancel_date"].Length == 0 && persons.ContainsKey(u["citizen_id"]))
            .Select(u => (Citizen: u["citizen_id"], Registered: u["register_date"]))
            .DistinctBy(u => u.Citizen)
            .Take(count)
            .ToList();
        var personLines = moved.Select(m =>
        {
            var p = persons[m.Citizen];
            return string.Join(',', p["citizen_id"], p["name"], p["sex"], p["birth_date"], p["household_division"], p["household_nature"], county, "1");
        });
        var registrationLines = moved.Select((m, i) => string.Join(',',
            "MOVED-" + (i + 1).ToString("D6", CultureInfo.InvariantCulture), m.Citizen, "employment_to_unemployment", m.Registered, "", "", county, "1"));
        File.AppendAllLines(Path.Combine(toExport, "persons.csv"), personLines);
        File.AppendAllLines(Path.Combine(toExport, "unemployment.csv"), registrationLines);
        return [.. moved.Select(m => m.Citizen)];
    }
}
