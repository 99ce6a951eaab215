using Xunit;

namespace Federation.Standards.Tests;

public class DivisionTableTests
{
    private static readonly DivisionTable Table = DivisionTable.Default;

    [Fact]
    public void Find_Prefecture_And_Its_County()
    {
        var guangzhou = Table.Find("440100");
        Assert.Equal(new Division("440100", "广州市", DivisionLevel.Prefecture, "440000", null), guangzhou);
        var tianhe = Table.Find("440106")!;
        Assert.Equal(DivisionLevel.County, tianhe.Level);
        Assert.Equal("440100", tianhe.PrefectureCode);
    }

    [Theory]
    [InlineData("130171")] // development zone: statistical, not GB/T 2260
    [InlineData("110100")] // 市辖区 placeholder
    [InlineData("429000")] // 省直辖县级行政区划 placeholder
    [InlineData("999999")]
    public void Find_StatisticalOnlyOrUnknown_IsNull(string code) => Assert.Null(Table.Find(code));

    [Theory]
    [InlineData("110101", "110000")] // Beijing district, directly under the municipality
    [InlineData("429004", "420000")] // 仙桃市, province-administered county-level city
    [InlineData("500229", "500000")] // Chongqing county under the 县 placeholder
    public void Find_CountyUnderPlaceholder_HasNoPrefecture(string code, string province)
    {
        var division = Table.Find(code)!;
        Assert.Null(division.PrefectureCode);
        Assert.Equal(province, division.ProvinceCode);
    }

    [Fact]
    public void Load_HasProvincesAndPrefectures()
    {
        Assert.Equal(31, Table.All.Count(d => d.Level == DivisionLevel.Province));
        Assert.InRange(Table.All.Count(d => d.Level == DivisionLevel.Prefecture), 320, 340);
    }

    [Theory]
    [InlineData("440000", "440106", true)]
    [InlineData("440000", "450100", false)]
    [InlineData("440100", "440106", true)]
    [InlineData("440100", "440306", false)]
    [InlineData("440106", "440106", true)]
    [InlineData("000000", "659001", true)]
    public void Jurisdiction_ContainsByPrefix(string node, string record, bool inside) =>
        Assert.Equal(inside, Table.JurisdictionOf(node).Contains(record));

    [Fact]
    public void Xpcc_WithConfiguredCode_OwnsTheBingtuanCitiesAndXinjiangDoesNot()
    {
        var table = DivisionTable.Load(xpccCode: "660000");
        Assert.True(table.JurisdictionOf("660000").Contains("659001"));
        Assert.False(table.JurisdictionOf("650000").Contains("659001"));
        Assert.True(table.JurisdictionOf("650000").Contains("650102"));
        Assert.True(DivisionTable.Default.JurisdictionOf("650000").Contains("659001"));
    }

    [Fact]
    public void Xpcc_CodeTakenByAProvince_IsRefused() =>
        Assert.Contains("广东省", Assert.Throws<ArgumentException>(() => DivisionTable.Load("440000")).Message);

    // Issue 11 item 7: retired codes are kept, with the dates that bound their retirement.
    [Fact]
    public void Retired_ZengchengCity_IsKnownWithItsLastDate_AndNotACurrentDivision()
    {
        Assert.Null(Table.Find("440183"));
        var retired = Table.FindRetired("440183");
        Assert.Equal(("增城市", new DateOnly(2015, 9, 30)), (retired?.Name, retired?.FirstUnlisted));
        Assert.Null(Table.FindRetired("440118")); // its successor, 增城区, is current
    }

    [Fact]
    public void Retired_AfterTheEarliestTable_HasBothBounds()
    {
        // 130182 藁城市 became 藁城区 (130109) in 2014; 130185 鹿泉市 likewise; 110228 密云县 became
        // 密云区 (110118) in 2015 and is in the 2015-09-30 table, not in the 2016-07-31 one.
        var miyun = Table.FindRetired("110228");
        Assert.Equal((new DateOnly(2015, 9, 30), new DateOnly(2016, 7, 31)), (miyun?.LastListed, miyun?.FirstUnlisted));
    }

    [Theory]
    [InlineData("440118", null, null)]
    [InlineData("440118", "2001-01-01", null)]
    [InlineData("440183", "2012-05-01", null)]
    [InlineData("440183", null, null)]
    [InlineData("440183", "2020-01-01", "is 440183 (增城市), a retired GB/T 2260 code: no table lists it from 2015-09-30, and the record is dated 2020-01-01; use the code of the division that took it over")]
    [InlineData("999999", null, "is '999999', not a GB/T 2260 division code")]
    [InlineData("130171", "2020-01-01", "is '130171', not a GB/T 2260 division code")] // development zone: statistical only
    public void CheckDated_CurrentAlways_RetiredWhileListed_UnknownNever(string code, string? dated, string? expected) =>
        Assert.Equal(expected, Table.CheckDated(code, dated is null ? null : DateOnly.Parse(dated, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void CitiesWithoutCounties_AreTheirOwnCountyLevelUnit_ByTheTable()
    {
        Assert.Equal(["441900", "442000", "460400", "620200"], Table.All.Where(d => d.WithoutCounties).Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.True(Table.Find("441900")!.IsCountyLevelUnit);
        Assert.False(Table.Find("440100")!.IsCountyLevelUnit);
        Assert.Equal(["441900"], Table.CountyLevelUnitsOf("441900"));
        Assert.Equal(["620200", "620201"], Table.CountyLevelUnitsOf("620200"));
        Assert.Equal(["429004"], Table.CountyLevelUnitsOf("429004"));
        Assert.Contains("440106", Table.CountyLevelUnitsOf("440100"));
        // The city of a county-level unit, and the monitoring city of a sample entry, by the table.
        Assert.Equal(("441900", "440100", "429004", "620200"), (Table.CityOf("441900"), Table.CityOf("440106"), Table.CityOf("429004"), Table.CityOf("620201")));
        Assert.Equal(("441900", "429004", "440100", "110000"),
            (EnterpriseMonitoring.MonitoringCity("441900"), EnterpriseMonitoring.MonitoringCity("429004"), EnterpriseMonitoring.MonitoringCity("440106"), EnterpriseMonitoring.MonitoringCity("110105")));
        Assert.Equal(("150", "170", "140", "110", null), (EnterpriseMonitoring.OwnershipCategory("159"), EnterpriseMonitoring.OwnershipCategory("170"),
            EnterpriseMonitoring.OwnershipCategory("149"), EnterpriseMonitoring.OwnershipCategory("110"), EnterpriseMonitoring.OwnershipCategory("180")));
        Assert.Equal(16, EnterpriseMonitoring.OwnershipCategories.Count);
    }
}
