namespace Federation.Standards;

/// <summary>The level of a GB/T 2260 division.</summary>
public enum DivisionLevel
{
    /// <summary>省级: province, autonomous region, municipality (PP0000).</summary>
    Province,
    /// <summary>地级: prefecture-level city, prefecture, league, autonomous prefecture (PPCC00).</summary>
    Prefecture,
    /// <summary>县级: county, county-level city, district, banner (PPCCDD).</summary>
    County,
}

/// <summary>One division of the GB/T 2260 table.</summary>
/// <param name="Code">The 6-digit code.</param>
/// <param name="Name">The Chinese name.</param>
/// <param name="Level">Province, prefecture or county.</param>
/// <param name="ProvinceCode">The 6-digit code of its province (itself for a province).</param>
/// <param name="PrefectureCode">The 6-digit code of its prefecture; null for provinces and for county-level units directly under a province.</param>
public sealed record Division(string Code, string Name, DivisionLevel Level, string ProvinceCode, string? PrefectureCode)
{
    /// <summary>
    /// A prefecture-level city without counties (东莞 441900, 中山 442000, 儋州 460400, 嘉峪关 620200):
    /// the city is its own county-level unit. Read from the table (<see cref="DivisionTable"/>), never
    /// from the digits.
    /// </summary>
    public bool WithoutCounties { get; init; }

    /// <summary>A county-level unit: a county (district, county-level city, banner …) or a prefecture-level city without counties.</summary>
    public bool IsCountyLevelUnit => Level == DivisionLevel.County || WithoutCounties;
}

/// <summary>
/// A GB/T 2260 code no longer in force. The dated tables bound its retirement: the last that lists
/// it (<paramref name="LastListed"/>, null when it was retired before the earliest, 2015-09-30)
/// and the first that does not (<paramref name="FirstUnlisted"/>). Records dated before
/// <paramref name="FirstUnlisted"/> may name it; the exact retirement day lies in between.
/// </summary>
public sealed record RetiredDivision(string Code, string Name, DateOnly? LastListed, DateOnly FirstUnlisted);
