using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages;

/// <summary>The start page: the pages this reader may open (<see cref="WebMenu"/>); no data of its own.</summary>
[WebAccess]
internal sealed class IndexModel : PageModel
{
    public IReadOnlyList<WebMenu.Link> Links { get; private set; } = [];

    public void OnGet() => Links = [.. WebMenu.Pages.Where(link => WebAccessAttribute.May(HttpContext, link.Method))];
}
