using System.Collections.Frozen;

namespace Federation.Standards;

/// <summary>
/// GB/T 2260 administrative divisions, from the National Bureau of Statistics table vendored in
/// <c>Data/gbt2260</c> (see its SOURCE.md). The statistical table has codes that are not GB/T
/// 2260 and are filtered out: development zones (5th digit 7) and the placeholder "prefectures"
/// (市辖区, 县, 省直辖县级行政区划 …) whose counties are directly under their province.
/// The XPCC (新疆生产建设兵团) has no GB/T 2260 code; a deployment may give it one
/// (<see cref="Load(string?)"/>), whose jurisdiction is then the XPCC's cities (6590xx).
/// Retired codes (<c>retired.csv</c>, built by <c>tools/gbt2260</c> from dated tables) are kept
/// apart: a record dated while the code was in force may still name it (<see cref="CheckDated"/>).
/// </summary>
public sealed class DivisionTable
{
    /// <summary>The XPCC's cities are county-level codes under 6590.</summary>
    public const string XpccCityPrefix = "6590";

    private static readonly FrozenSet<string> PlaceholderPrefectureNames =
        FrozenSet.ToFrozenSet(["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"], StringComparer.Ordinal);

    private static readonly Lazy<DivisionTable> DefaultTable = new(() => Load(null));

    private static readonly Lazy<FrozenDictionary<string, RetiredDivision>> RetiredCodes = new(LoadRetired);

    private readonly FrozenDictionary<string, Division> _byCode;

    private DivisionTable(Dictionary<string, Division> divisions, string? xpccCode)
    {
        _byCode = divisions.ToFrozenDictionary(StringComparer.Ordinal);
        XpccCode = xpccCode;
    }

    /// <summary>The date of the current table: a code it lists is in force for any record date.</summary>
    public static readonly DateOnly CurrentAsOf = new(2023, 6, 30);

    /// <summary>A retired code, or null (a current or an unknown code).</summary>
    public RetiredDivision? FindRetired(string? code) =>
        code is not null && !_byCode.ContainsKey(code) && RetiredCodes.Value.TryGetValue(code, out var retired) ? retired : null;

    /// <summary>
    /// Null when <paramref name="code"/> may be named by a record dated <paramref name="dated"/>:
    /// a current code always, a retired one when the record is dated before the first table that
    /// no longer lists it (<paramref name="dated"/> null: any date). Otherwise why not, without
    /// the field's name: "is '999999', not a GB/T 2260 division code".
    /// </summary>
    public string? CheckDated(string code, DateOnly? dated)
    {
        if (_byCode.ContainsKey(code))
        {
            return null;
        }
        if (FindRetired(code) is not { } retired)
        {
            return $"is '{code}', not a GB/T 2260 division code";
        }
        if (dated is null || dated < retired.FirstUnlisted)
        {
            return null;
        }
        return $"is {code} ({retired.Name}), a retired GB/T 2260 code: no table lists it from {retired.FirstUnlisted:yyyy-MM-dd}, " +
            $"and the record is dated {dated:yyyy-MM-dd}; use the code of the division that took it over";
    }

    /// <summary>The table with no XPCC code.</summary>
    public static DivisionTable Default => DefaultTable.Value;

    /// <summary>The code configured for the XPCC, or null.</summary>
    public string? XpccCode { get; }

    /// <summary>Number of divisions.</summary>
    public int Count => _byCode.Count;

    /// <summary>All divisions.</summary>
    public IEnumerable<Division> All => _byCode.Values;

    /// <summary>Loads the embedded table, optionally giving the XPCC a province-level code (PP0000, not in use by a province).</summary>
    public static DivisionTable Load(string? xpccCode)
    {
        var divisions = new Dictionary<string, Division>(StringComparer.Ordinal);
        foreach (var row in ReadCsv("provinces.csv"))
        {
            var code = row[0] + "0000";
            divisions[code] = new Division(code, row[1], DivisionLevel.Province, code, null);
        }
        var placeholders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in ReadCsv("cities.csv"))
        {
            if (PlaceholderPrefectureNames.Contains(row[1]))
            {
                placeholders.Add(row[0]);
                continue;
            }
            var code = row[0] + "00";
            divisions[code] = new Division(code, row[1], DivisionLevel.Prefecture, row[2] + "0000", null);
        }
        var areasOf = new Dictionary<string, List<string[]>>(StringComparer.Ordinal);
        foreach (var row in ReadCsv("areas.csv"))
        {
            var code = row[0];
            if (code[4] == '7')
            {
                continue; // development zone (statistical only)
            }
            if (!placeholders.Contains(row[2]))
            {
                (areasOf.TryGetValue(row[2], out var list) ? list : areasOf[row[2]] = []).Add(row);
            }
            if (divisions.ContainsKey(code))
            {
                continue; // a prefecture listed again as its own area
            }
            var prefecture = placeholders.Contains(row[2]) ? null : row[2] + "00";
            divisions[code] = new Division(code, row[1], DivisionLevel.County, row[3] + "0000", prefecture);
        }
        // A prefecture-level city without counties: the table lists it again as its own only area
        // (441900 东莞市 under 4419), or gives its only area the city's own name (620201 嘉峪关市
        // under 6202, the statistical table's stand-in for the city's 市辖区).
        foreach (var (prefecture, areas) in areasOf)
        {
            var code = prefecture + "00";
            if (areas.Count == 1 && divisions.TryGetValue(code, out var city) && city.Level == DivisionLevel.Prefecture
                && (areas[0][0] == code || areas[0][1] == city.Name))
            {
                divisions[code] = city with { WithoutCounties = true };
            }
        }
        if (xpccCode is not null)
        {
            if (xpccCode.Length != 6 || !xpccCode.EndsWith("0000", StringComparison.Ordinal) || !xpccCode.All(char.IsAsciiDigit))
            {
                throw new ArgumentException($"The XPCC code '{xpccCode}' must be a province-level code PP0000.", nameof(xpccCode));
            }
            if (divisions.TryGetValue(xpccCode, out var taken))
            {
                throw new ArgumentException($"The XPCC code '{xpccCode}' is already {taken.Name}'s.", nameof(xpccCode));
            }
            divisions[xpccCode] = new Division(xpccCode, "新疆生产建设兵团", DivisionLevel.Province, xpccCode, null);
        }
        return new DivisionTable(divisions, xpccCode);
    }

    /// <summary>
    /// The county-level units of a city node's division: a prefecture's counties, or the city itself
    /// when it has none (东莞) or is a county-level unit (仙桃), in code order.
    /// </summary>
    public IReadOnlyList<string> CountyLevelUnitsOf(string cityCode)
    {
        if (Find(cityCode) is null)
        {
            return [];
        }
        return [.. _byCode.Values.Where(d => d.Code == cityCode ? d.IsCountyLevelUnit : d.PrefectureCode == cityCode).Select(d => d.Code).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The city a county-level unit belongs to, by the table: its prefecture; itself for a
    /// prefecture-level city without counties or a county-level unit directly under its province
    /// (仙桃 429004); null for a code the table does not have.
    /// </summary>
    public string? CityOf(string code) => Find(code) switch
    {
        { PrefectureCode: { } prefecture } => prefecture,
        { } division => division.Code,
        null => null,
    };

    /// <summary>The division with this code, or null.</summary>
    public Division? Find(string? code) => code is not null && _byCode.TryGetValue(code, out var division) ? division : null;

    /// <summary>The jurisdiction of a node whose division is <paramref name="code"/>; <c>000000</c> is the whole country.</summary>
    public Jurisdiction JurisdictionOf(string code)
    {
        if (code == Jurisdiction.NationalCode)
        {
            return Jurisdiction.National;
        }
        var division = Find(code) ?? throw new ArgumentException($"'{code}' is not a GB/T 2260 division code.", nameof(code));
        if (XpccCode is not null && code == XpccCode)
        {
            return new Jurisdiction(code, [XpccCityPrefix], []);
        }
        return division.Level switch
        {
            // With an XPCC node configured, its cities belong to it, not to Xinjiang.
            DivisionLevel.Province when XpccCode is not null && code == "650000" => new Jurisdiction(code, ["65"], [XpccCityPrefix]),
            DivisionLevel.Province => new Jurisdiction(code, [code[..2]], []),
            DivisionLevel.Prefecture => new Jurisdiction(code, [code[..4]], []),
            _ => new Jurisdiction(code, [code], []),
        };
    }

    private static FrozenDictionary<string, RetiredDivision> LoadRetired()
    {
        var retired = new Dictionary<string, RetiredDivision>(StringComparer.Ordinal);
        foreach (var row in ReadCsv("retired.csv"))
        {
            DateOnly? lastListed = row[2].Length == 0 ? null : DateOnly.ParseExact(row[2], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            retired[row[0]] = new RetiredDivision(row[0], row[1], lastListed, DateOnly.ParseExact(row[3], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }
        return retired.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static IEnumerable<string[]> ReadCsv(string name)
    {
        using var stream = typeof(DivisionTable).Assembly.GetManifestResourceStream("gbt2260/" + name)
            ?? throw new InvalidOperationException($"Embedded table gbt2260/{name} is missing.");
        using var reader = new StreamReader(stream);
        reader.ReadLine(); // header
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            yield return line.Split(',').Select(field => field.Trim('"')).ToArray();
        }
    }
}
