namespace Federation.Standards;

/// <summary>
/// The grounds on which a local office refuses an unemployment registration application, and
/// only these — one list, checked by the registration service (<c>DecideApplication</c>, whoever
/// calls it: a production system, fedctl, the desk page) and offered by the desk page. They are
/// the seed's (人社厅发〔2020〕79号): §三(十) — a registered unemployed person is of working age
/// (16 up to drawing a basic pension), able to work, wanting work and without work; §一(一) —
/// registered where they have household registration, live, last worked or were insured; and the
/// project's one-registration-nationwide reading of R-18. The grounds §一(二) forbids — incomplete
/// papers, not insured here, not eligible for benefits — are refused as reasons, saying why.
/// </summary>
public static class RefusalReasons
{
    /// <summary>The listed grounds: the code a caller may send, and the words the decision records (Chinese, as shown to the worker).</summary>
    public static readonly IReadOnlyList<(string Code, string Text)> Unemployment =
    [
        ("working_age", "不在劳动年龄内（未满16周岁或已依法享受基本养老保险待遇）"),
        ("no_capacity", "无劳动能力"),
        ("not_seeking_work", "无就业需求"),
        ("employed", "不处于无业状态"),
        ("place", "申请地不是本人的户籍地、常住地、就业地或参保地"),
        ("registered_elsewhere", "已在其他城市办理失业登记（R-18）"),
    ];

    private const string Forbidden =
        "the seed forbids refusing a registration for incomplete papers, not being insured here or not being eligible for unemployment benefits (人社厅发〔2020〕79号 §一(二))";

    // The forbidden grounds, as an office might word them.
    private static readonly string[] ForbiddenWords =
        ["资料不全", "材料不全", "资料（材料）不全", "证明材料不全", "未参保", "未在当地参保", "未参加社会保险", "不符合领金条件", "不符合领取失业保险金条件", "incomplete", "not_insured", "not_eligible_for_benefits"];

    /// <summary>
    /// The words to record for <paramref name="value"/> — a listed code, or a listed ground's own
    /// words — or null with <paramref name="problem"/> saying why not (naming the field and the list).
    /// </summary>
    public static string? Normalize(string value, out string? problem)
    {
        var text = value.Trim();
        problem = null;
        foreach (var (code, words) in Unemployment)
        {
            if (text == code || text == words)
            {
                return words;
            }
        }
        problem = ForbiddenWords.Any(w => string.Equals(w, text, StringComparison.OrdinalIgnoreCase))
            ? $"refusal_reason: {Forbidden}"
            : $"refusal_reason must be one of the listed reasons ({string.Join(", ", Unemployment.Select(r => r.Code))}) or its words; " +
              (text.Length == 0 ? "none was given" : "the one given is not on the list");
        return null;
    }
}
