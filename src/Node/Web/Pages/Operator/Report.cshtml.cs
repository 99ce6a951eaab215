using Federation.Node.Security;
using Federation.Node.Web.Operator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages.Operator;

/// <summary>
/// The quarterly employment-situation and data-analysis report from the console: the very HTML
/// <c>fedctl report</c> writes (its own code, gathered from this node's RPCs through
/// <see cref="WebCalls"/>), or its spreadsheet as a download (<c>format=xlsx</c>). The report is a
/// self-contained document with no script and one inline style sheet, so it is served with a
/// policy of its own: no script, no connection, nothing from elsewhere, its inline style only.
/// </summary>
[WebAccess(ConsoleBoard.StatusMethod, ConsoleBoard.IndicatorsMethod, ConsoleBoard.EnterprisesMethod)]
internal sealed class ReportModel(WebCalls calls, WebText text, IServiceProvider services, NodeOptions node, SecurityPaths paths, TimeProvider time) : PageModel
{
    public const string ReportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public string Quarter { get; private set; } = "";

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? quarter, string? format)
    {
        Quarter = quarter ?? "";
        var board = new ConsoleBoard(new WebCaller(calls, HttpContext), services, node, paths, time);
        try
        {
            var report = await board.ReportAsync(Quarter, 0, text.English, HttpContext.RequestAborted);
            if (format == "xlsx")
            {
                return File(report.Workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report.FileStem + ".xlsx");
            }
            Response.Headers.ContentSecurityPolicy = ReportPolicy;
            return Content(report.Html, "text/html; charset=utf-8");
        }
        catch (ArgumentException ex)
        {
            Problem = ex.Message;
        }
        catch (RpcException ex)
        {
            Problem = LocalCall.Problem(ex);
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
