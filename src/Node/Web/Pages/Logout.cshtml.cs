using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages;

/// <summary>Signs out (a POST with the antiforgery token, from the layout's button).</summary>
[WebAccess]
internal sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WebSession.Scheme);
        HttpContext.Items.Remove(typeof(WebSession));
        HttpContext.Items.Remove(typeof(Security.Caller));
        return Page();
    }
}
