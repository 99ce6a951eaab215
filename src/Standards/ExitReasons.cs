using System.Collections.Frozen;

namespace Federation.Standards;

/// <summary>
/// The reasons a registration ends, with the words production systems use for them. An export
/// may say 退休 or 领取养老金 where the standard says <c>pension</c>: the importer stores the
/// standard code, so that a figure counted by reason does not lose the rows a city spelled its
/// own way, and a reason that is not allowed is refused with why.
/// </summary>
public static class ExitReasons
{
    /// <summary>
    /// Why an unemployment registration may be cancelled (注销) — R-17, 人社厅发〔2020〕79号 §三(四),
    /// exactly these and nothing else.
    /// </summary>
    public static readonly IReadOnlyList<string> Unemployment = ["pension", "employed", "self_employed", "school", "military", "emigration", "incapacity"];

    /// <summary>Why a person leaves employment assistance: the form of the employment that ended it, or another listed reason.</summary>
    public static readonly IReadOnlyList<string> Assistance = ["unit", "self", "flexible", "pension", "moved_away", "deceased", "no_longer_eligible", "other"];

    private static readonly FrozenDictionary<string, string> UnemploymentWords = Words(new()
    {
        ["pension"] = ["退休", "领取养老金", "享受养老保险待遇", "依法享受基本养老保险待遇", "已依法享受基本养老保险待遇", "达到法定退休年龄", "retired", "retirement"],
        ["employed"] = ["就业", "已就业", "单位就业", "被用人单位录用", "被各类用人单位录用或招聘", "录用", "招聘", "employment", "hired"],
        ["self_employed"] = ["自主创业", "创业", "个体经营", "从事个体经营", "创办企业", "创办民办非企业", "自谋职业", "self-employed", "self employed", "self-employment"],
        ["school"] = ["入学", "升学", "就学", "education"],
        ["military"] = ["参军", "入伍", "服兵役", "应征服兵役", "military service"],
        ["emigration"] = ["移居境外", "出国定居", "定居国外", "出境定居", "emigrated"],
        ["incapacity"] = ["完全丧失劳动能力", "丧失劳动能力", "incapacitated"],
    });

    private static readonly FrozenDictionary<string, string> AssistanceWords = Words(new()
    {
        ["unit"] = ["单位就业", "单位吸纳", "企业吸纳", "被用人单位录用"],
        ["self"] = ["自主创业", "创业", "个体经营", "自谋职业"],
        ["flexible"] = ["灵活就业", "非全日制就业", "临时就业"],
        ["pension"] = ["退休", "领取养老金", "达到法定退休年龄", "retired", "retirement"],
        ["moved_away"] = ["迁出", "户口迁出", "迁往外地", "移居境外", "moved", "moved away"],
        ["deceased"] = ["死亡", "died", "dead"],
        ["no_longer_eligible"] = ["不再符合条件", "不符合认定条件", "no longer eligible"],
        ["other"] = ["其他"],
    });

    // Reasons the seed names only to forbid (§三(四)), and domestic moves, which are not an exit:
    // the registration follows the person to where they now live.
    private static readonly FrozenDictionary<string, string> UnemploymentRefusals = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["连续3次拒绝接受公共就业服务"] = Refused3Times, ["拒绝接受公共就业服务"] = Refused3Times, ["拒绝服务"] = Refused3Times,
        ["refused_services"] = Refused3Times, ["refused services"] = Refused3Times,
        ["连续6个月无法取得联系"] = Unreachable, ["无法取得联系"] = Unreachable, ["无法联系"] = Unreachable, ["失联"] = Unreachable,
        ["unreachable"] = Unreachable,
        ["迁出"] = MovedAway, ["户口迁出"] = MovedAway, ["迁往外地"] = MovedAway, ["moved"] = MovedAway, ["moved away"] = MovedAway, ["moved_away"] = MovedAway,
        ["other"] = OtherRefused, ["其他"] = OtherRefused,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private const string Refused3Times = "refusing public employment services 3 times is not a reason to cancel a registration (R-17)";
    private const string Unreachable = "being unreachable for 6 months is not a reason to cancel a registration (R-17)";
    private const string MovedAway = "moving within China does not end an unemployment registration: it is registered where the person now lives (R-17; 移居境外 is emigration)";
    private const string OtherRefused = "a registration is cancelled only for a listed reason (R-17), never 'other'";

    /// <summary>
    /// The standard code for <paramref name="value"/> (a code or a production system's word for
    /// it) as an unemployment cancel reason; null with <paramref name="problem"/> saying why not.
    /// </summary>
    public static string? NormalizeUnemployment(string value, out string? problem) =>
        Normalize(value, Unemployment, UnemploymentWords, UnemploymentRefusals, out problem);

    /// <summary>As <see cref="NormalizeUnemployment"/>, for an assistance exit reason.</summary>
    public static string? NormalizeAssistance(string value, out string? problem) =>
        Normalize(value, Assistance, AssistanceWords, FrozenDictionary<string, string>.Empty, out problem);

    private static string? Normalize(string value, IReadOnlyList<string> codes, FrozenDictionary<string, string> words,
        FrozenDictionary<string, string> refusals, out string? problem)
    {
        var text = value.Trim();
        problem = null;
        if (codes.Contains(text))
        {
            return text;
        }
        if (refusals.TryGetValue(text, out var refusal))
        {
            problem = $"is '{text}': {refusal}; allowed: {string.Join(", ", codes)}";
            return null;
        }
        if (words.TryGetValue(text, out var code))
        {
            return code;
        }
        problem = $"is '{text}'; allowed: {string.Join(", ", codes)} (or a production system's word for one, listed in docs/data.md)";
        return null;
    }

    private static FrozenDictionary<string, string> Words(Dictionary<string, string[]> byCode) =>
        byCode.SelectMany(pair => pair.Value.Select(word => (word, pair.Key)))
            .ToFrozenDictionary(p => p.word, p => p.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The Chinese name of an unemployment cancel reason (the wording of 人社厅发〔2020〕79号 §三(四)),
    /// as reports and the registration desk show it; an unknown code is returned as is.
    /// </summary>
    public static string UnemploymentName(string code) => code switch
    {
        "pension" => "享受基本养老保险待遇",
        "employed" => "被用人单位录用",
        "self_employed" => "从事个体经营或创办企业",
        "school" => "入学",
        "military" => "应征服兵役",
        "emigration" => "移居境外",
        "incapacity" => "完全丧失劳动能力",
        _ => code,
    };

    /// <summary>The production words accepted for each unemployment code (for documentation and help).</summary>
    public static IEnumerable<(string Code, string Word)> UnemploymentSynonyms => UnemploymentWords.Select(p => (p.Value, p.Key));

    /// <summary>The production words accepted for each assistance code.</summary>
    public static IEnumerable<(string Code, string Word)> AssistanceSynonyms => AssistanceWords.Select(p => (p.Value, p.Key));
}
