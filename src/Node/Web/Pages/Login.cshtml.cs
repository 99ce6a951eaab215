using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages;

/// <summary>Sign-in with an account and its API token (<see cref="WebSignIn"/>); a session cookie follows.</summary>
[WebAccess]
internal sealed class LoginModel(WebSignIn signIn, WebText text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Account { get; set; }

    [BindProperty]
    public string? Token { get; set; }

    public string? Message { get; private set; }

    public string? Detail { get; private set; }

    public void OnGet()
    {
        if (WebSession.Ended(HttpContext) is { } ended)
        {
            Message = text.T("会话已结束，请重新登录。", "Your session has ended; sign in again.");
            Detail = ended;
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await signIn.SignInAsync(HttpContext, Account ?? "", Token ?? "");
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }
        Message = result.Refusal switch
        {
            WebSignIn.Refusal.Locked => text.T("账户已锁定，无法登录。请联系本节点的管理员解锁。", "This account is locked and cannot sign in. Ask this node's administrator to unlock it."),
            WebSignIn.Refusal.Cancelled => text.T("账户已注销，无法登录。", "This account is cancelled and cannot sign in."),
            WebSignIn.Refusal.TooMany => text.T("此地址登录失败次数过多，请稍后再试。", "Too many failed sign-ins from this address; try again later."),
            _ => text.T("账户名或 API 令牌不正确。", "The account or its API token is not right."),
        };
        Detail = result.Refusal is WebSignIn.Refusal.WrongCredentials ? null : result.Detail;
        Token = null;
        Response.StatusCode = result.Refusal == WebSignIn.Refusal.TooMany ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
        return Page();
    }
}
