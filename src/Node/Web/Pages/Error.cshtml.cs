using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages;

/// <summary>What a reader sees when a page fails; the exception goes to the node's log (event 2905), never to the page.</summary>
[WebAccess]
[IgnoreAntiforgeryToken]
internal sealed class ErrorModel(ILogger<ErrorModel> logger) : PageModel
{
    public void OnGet() => Failed();

    public void OnPost() => Failed();

    private void Failed()
    {
        Response.StatusCode = StatusCodes.Status500InternalServerError;
        if (HttpContext.Features.Get<IExceptionHandlerPathFeature>() is { } failure)
        {
            WebLog.PageFailed(logger, failure.Error, failure.Path);
        }
    }
}
