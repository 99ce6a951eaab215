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
public sealed record Division(string Code, string Name, DivisionLevel Level, string ProvinceCode, string? PrefectureCode);
