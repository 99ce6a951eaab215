namespace Federation.Standards;

/// <summary>
/// The code tables of enterprise employment monitoring (企业用工定点监测, 人社部发〔2009〕152号 and
/// its form's 填表说明; 人社部函〔2011〕308号) and the industry and ownership standards its records
/// use. Facts only; what a record must satisfy is the importer's (docs/data.md).
/// </summary>
public static class EnterpriseMonitoring
{
    /// <summary>Size classes (企业规模); micro enterprises (微型) are not sampled.</summary>
    public static readonly IReadOnlyList<string> SizeClasses = ["large", "medium", "small", "micro"];

    /// <summary>Reduction types (减少类型) of the form, in its order.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReductionTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["closure"] = "关闭破产",
        ["suspension"] = "停业整顿",
        ["economic_layoff"] = "经济性裁员",
        ["moved_out"] = "企业迁出本市",
        ["other"] = "其他",
    };

    /// <summary>Reduction reasons (减少原因), codes 01–11 in the form's order.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReductionReasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["01"] = "产业结构调整",
        ["02"] = "重大技术革新",
        ["03"] = "节能减排、淘汰落后产能",
        ["04"] = "订单不足",
        ["05"] = "原材料涨价",
        ["06"] = "用工成本上升",
        ["07"] = "劳动力供给不足",
        ["08"] = "经营资金困难",
        ["09"] = "税收政策变化",
        ["10"] = "季节性用工",
        ["11"] = "其他",
    };

    /// <summary>Why an enterprise left the sample (a recorded sample adjustment).</summary>
    public static readonly IReadOnlyDictionary<string, string> LeaveReasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["closure"] = "关闭破产",
        ["moved_out"] = "迁出本市",
        ["replaced"] = "样本调整（替换）",
        ["other"] = "其他",
    };

    /// <summary>
    /// Enterprise registration types (企业登记注册类型, 国统字〔1998〕200号): the 16 types of its art. 2,
    /// which the form's note (一) names — 110 … 190, 210 … 240, 310 … 340 — and the sub-types of 140
    /// 联营, 150 有限责任公司 and 170 私营 (141–149, 151/159, 171–174), counted under their category
    /// (<see cref="OwnershipCategory"/>). Only 110 国有企业 counts as state-owned for the sample's
    /// one-third limit (our reading, DOMAIN.md).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Ownership = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["110"] = "国有企业", ["120"] = "集体企业", ["130"] = "股份合作企业",
        ["140"] = "联营企业", ["141"] = "国有联营企业", ["142"] = "集体联营企业", ["143"] = "国有与集体联营企业", ["149"] = "其他联营企业",
        ["150"] = "有限责任公司", ["151"] = "国有独资公司", ["159"] = "其他有限责任公司", ["160"] = "股份有限公司",
        ["170"] = "私营企业", ["171"] = "私营独资企业", ["172"] = "私营合伙企业", ["173"] = "私营有限责任公司", ["174"] = "私营股份有限公司",
        ["190"] = "其他企业",
        ["210"] = "合资经营企业（港或澳、台资）", ["220"] = "合作经营企业（港或澳、台资）", ["230"] = "港、澳、台商独资经营企业", ["240"] = "港、澳、台商投资股份有限公司",
        ["310"] = "中外合资经营企业", ["320"] = "中外合作经营企业", ["330"] = "外资企业", ["340"] = "外商投资股份有限公司",
    };

    /// <summary>The 16 category codes of 国统字〔1998〕200号 art. 2, in its order.</summary>
    public static readonly IReadOnlyList<string> OwnershipCategories =
        ["110", "120", "130", "140", "150", "160", "170", "190", "210", "220", "230", "240", "310", "320", "330", "340"];

    /// <summary>The category a registration type is counted under: itself for a category, 140/150/170 for their sub-types; null for an unknown code.</summary>
    public static string? OwnershipCategory(string code) =>
        !Ownership.ContainsKey(code) ? null : OwnershipCategories.Contains(code) ? code : code[..2] + "0";

    /// <summary>The one registration type the sample's state-owned limit counts.</summary>
    public const string StateOwned = "110";

    // GB/T 4754-2017: the 2-digit divisions (大类) of each section (门类).
    private static readonly (char Section, int First, int Last, string Name)[] Sections =
    [
        ('A', 1, 5, "农、林、牧、渔业"), ('B', 6, 12, "采矿业"), ('C', 13, 43, "制造业"),
        ('D', 44, 46, "电力、热力、燃气及水生产和供应业"), ('E', 47, 50, "建筑业"), ('F', 51, 52, "批发和零售业"),
        ('G', 53, 60, "交通运输、仓储和邮政业"), ('H', 61, 62, "住宿和餐饮业"), ('I', 63, 65, "信息传输、软件和信息技术服务业"),
        ('J', 66, 69, "金融业"), ('K', 70, 70, "房地产业"), ('L', 71, 72, "租赁和商务服务业"),
        ('M', 73, 75, "科学研究和技术服务业"), ('N', 76, 79, "水利、环境和公共设施管理业"), ('O', 80, 82, "居民服务、修理和其他服务业"),
        ('P', 83, 83, "教育"), ('Q', 84, 85, "卫生和社会工作"), ('R', 86, 90, "文化、体育和娱乐业"),
        ('S', 91, 96, "公共管理、社会保障和社会组织"), ('T', 97, 97, "国际组织"),
    ];

    /// <summary>The manufacturing section, limited to 40 % of a city's sample.</summary>
    public const char Manufacturing = 'C';

    /// <summary>
    /// Why <paramref name="industry"/> — a GB/T 4754-2017 section letter and its 2-digit division,
    /// e.g. <c>C13</c> — is not one, or null. The division must belong to the section.
    /// </summary>
    public static string? IndustryProblem(string industry)
    {
        if (industry.Length != 3 || !char.IsAsciiDigit(industry[1]) || !char.IsAsciiDigit(industry[2]))
        {
            return $"is '{industry}'; expected a GB/T 4754-2017 section letter A–T and its 2-digit division, e.g. C13";
        }
        var division = (industry[1] - '0') * 10 + (industry[2] - '0');
        var owner = Sections.FirstOrDefault(s => division >= s.First && division <= s.Last);
        if (owner.Section == default)
        {
            return $"is '{industry}'; {industry[1..]} is not a GB/T 4754-2017 division (01–97)";
        }
        return owner.Section == industry[0] ? null
            : $"is '{industry}'; division {industry[1..]} ({owner.Name}) belongs to section {owner.Section}, not {industry[0]}";
    }

    /// <summary>A survey month <c>YYYY-MM</c> (from 1990): its first day, or false.</summary>
    public static bool TryParseMonth(string? text, out DateOnly first)
    {
        first = default;
        return text is { Length: 7 } && DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out first) && first.Year >= 1990;
    }

    /// <summary>The survey month <paramref name="months"/> before or after <paramref name="month"/> (a valid month).</summary>
    public static string ShiftMonth(string month, int months) =>
        TryParseMonth(month, out var first) ? first.AddMonths(months).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentException($"'{month}' is not a survey month YYYY-MM.", nameof(month));

    /// <summary>Whether the code is one of the four directly governed municipalities' (11, 12, 31, 50).</summary>
    public static bool IsMunicipality(string code) => code.Length >= 2 && code[..2] is "11" or "12" or "31" or "50";

    /// <summary>
    /// The monitoring city of a handling division, by the GB/T 2260 table: its prefecture, a
    /// prefecture-level city without counties or a county-level unit under its province (仙桃) itself,
    /// and for a directly governed municipality the municipality (PP0000). A code the table does not
    /// have stays itself.
    /// </summary>
    public static string MonitoringCity(string handlingDivision) =>
        handlingDivision.Length == 6 && IsMunicipality(handlingDivision) ? handlingDivision[..2] + "0000"
        : DivisionTable.Default.CityOf(handlingDivision) ?? handlingDivision;

    /// <summary>The section's name, e.g. 制造业 for C.</summary>
    public static string SectionName(char section) => Sections.FirstOrDefault(s => s.Section == section).Name ?? "";
}
