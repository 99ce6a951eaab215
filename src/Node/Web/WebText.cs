namespace Federation.Node.Web;

/// <summary>
/// The pages' two languages: 简体中文 first (the default), English on request — the reader's
/// choice is kept in a cookie (<c>lang</c>) set by <c>/lang</c>. In a page: <c>@L.T("中文", "English")</c>.
/// Messages from the node itself (a refusal's detail) are shown as the node wrote them.
/// </summary>
internal sealed class WebText(IHttpContextAccessor accessor)
{
    public const string CookieName = "lang";

    /// <summary>Whether this request's reader chose English.</summary>
    public bool English => IsEnglish(accessor.HttpContext);

    /// <summary>The <c>lang</c> attribute of the page: zh-CN or en.</summary>
    public string Lang => English ? "en" : "zh-CN";

    public string T(string chinese, string english) => English ? english : chinese;

    public static bool IsEnglish(HttpContext? http) => http?.Request.Cookies[CookieName] == "en";
}
