using Federation.Node.Security;
using Federation.Node.Web.Operator;
using Federation.Protocol.V1;
using Federation.Standards;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages.Operator;

/// <summary>
/// The operator console (province and ministry; a city sees itself): the tree, sealed and merged
/// periods with their signatures, findings, R-10 … R-15, the registration feed, enterprise
/// monitoring, the quarterly reports and a resync with live progress. Every section is one of
/// the node's RPCs made through <see cref="WebCalls"/> (<see cref="ConsoleBoard"/>): authorised by
/// its own row of the table — a section the reader's roles do not reach says so, the others
/// show — and audited. The tree and the feed refresh in place (<c>/assets/console.js</c> asks
/// <see cref="OnGetLiveAsync"/> every few seconds while the page is visible).
/// </summary>
[WebAccess(ConsoleBoard.StatusMethod, ConsoleBoard.FindingsMethod, ConsoleBoard.IndicatorsMethod, ConsoleBoard.EnterprisesMethod,
    ConsoleBoard.ApplicationsMethod, ConsoleBoard.ResyncMethod, ConsoleBoard.OperationMethod)]
internal sealed class IndexModel(WebCalls calls, WebText text, IServiceProvider services, NodeOptions node, SecurityPaths paths, TimeProvider time) : PageModel
{
    public NodeStatus? Status { get; private set; }

    public string? StatusProblem { get; private set; }

    public IReadOnlyList<ChildRow> Children { get; private set; } = [];

    public SignedPeriodsView? Periods { get; private set; }

    public ListFindingsResponse? Findings { get; private set; }

    public string? FindingsProblem { get; private set; }

    public string Kind { get; private set; } = "";

    public Indicators? Indicators { get; private set; }

    public string? IndicatorsProblem { get; private set; }

    public ListApplicationsResponse? Overdue { get; private set; }

    public string? OverdueProblem { get; private set; }

    public EnterpriseSummary? Enterprises { get; private set; }

    public string? EnterprisesProblem { get; private set; }

    public string Month { get; private set; } = "";

    public string? Quarter { get; private set; }

    public Operation? Operation { get; private set; }

    public string? ResyncProblem { get; private set; }

    private ConsoleBoard Board => new(new WebCaller(calls, HttpContext), services, node, paths, time);

    public async Task OnGetAsync(string? kind, string? month, string? findings)
    {
        Kind = kind ?? "";
        await LoadAsync(month, findings ?? "");
    }

    /// <summary>The live part (tree, feed) alone, for the page's refresh.</summary>
    public async Task<IActionResult> OnGetLiveAsync()
    {
        await LoadStatusAsync();
        await LoadOverdueAsync();
        return Partial("_Live", this);
    }

    /// <summary>Starts a resync of one child (or every child): JSON for the page's script, else the page with the operation.</summary>
    public async Task<IActionResult> OnPostResyncAsync(string? childId)
    {
        try
        {
            Operation = await Board.ResyncAsync(childId ?? "");
        }
        catch (RpcException ex)
        {
            ResyncProblem = LocalCall.Problem(ex);
        }
        if (WantsJson)
        {
            return ResyncProblem is null ? new JsonResult(OperationJson(Operation!, text.English)) : new JsonResult(new { problem = ResyncProblem }) { StatusCode = 422 };
        }
        await LoadAsync(null, "");
        return Page();
    }

    /// <summary>A resync's progress, as JSON for the page's script.</summary>
    public async Task<IActionResult> OnGetOperationAsync(string id)
    {
        try
        {
            return new JsonResult(OperationJson(await Board.OperationAsync(id ?? ""), text.English));
        }
        catch (RpcException ex)
        {
            return new JsonResult(new { problem = LocalCall.Problem(ex) }) { StatusCode = ex.StatusCode == Grpc.Core.StatusCode.NotFound ? 404 : 422 };
        }
    }

    /// <summary>A resync's state in the reader's language (简体中文 first).</summary>
    public static string StateName(OperationState state, bool english = false) => state switch
    {
        OperationState.Running => english ? "running" : "进行中",
        OperationState.Succeeded => english ? "completed" : "已完成",
        OperationState.Failed => english ? "failed" : "失败",
        _ => state.ToString(),
    };

    /// <summary>A child's state in a resync, in the reader's language.</summary>
    public static string ChildStateName(string state, bool english = false) => state switch
    {
        "pending" => english ? "waiting" : "等待",
        "pulling" => english ? "pulling" : "拉取中",
        "committed" => english ? "committed" : "已提交",
        "current" => english ? "up to date" : "已是最新",
        "failed" => english ? "failed" : "失败",
        _ => state,
    };

    /// <summary>
    /// A resync's progress as the page's script shows it: every word already in the reader's
    /// language (the script only places the lines), so the progress follows the language switch like the page.
    /// </summary>
    public static object OperationJson(Operation operation, bool english) => new
    {
        id = operation.Id,
        state = operation.State.ToString(),
        title = (english ? "Resync " : "重新同步 ") + operation.Id + (english ? ": " : "：") + StateName(operation.State, english),
        running = operation.State == OperationState.Running,
        children = operation.Children.Select(c => new
        {
            childId = c.ChildId,
            state = c.State,
            text = c.ChildId + (english ? ": " : "：") + ChildStateName(c.State, english) + (c.Period.Length > 0 ? " " + c.Period : "")
                + (c.TotalRecords > 0 ? (english ? $" ({c.Records} / {c.TotalRecords} records)" : $"（{c.Records} / {c.TotalRecords} 条）") : "")
                + (c.Error.Length > 0 ? " " + c.Error : ""),
            records = c.Records,
            totalRecords = c.TotalRecords,
        }),
    };

    public static string FindingKindName(string kind) => kind switch
    {
        Federation.Store.Finding.CertificateIssuedTwice => "同一证书编号重复发放",
        Federation.Store.Finding.DuplicateUnemployment => "同一人多地失业登记",
        Federation.Store.Finding.DuplicateEmployment => "同一人多地就业登记",
        Federation.Store.Finding.ConflictingState => "状态相互矛盾",
        Federation.Store.Finding.MissingReport => "监测企业未报送",
        Federation.Store.Finding.SampledTwice => "企业重复抽样",
        _ when kind.StartsWith("sample_", StringComparison.Ordinal) => "监测样本结构不符：" + kind,
        _ => kind,
    };

    public static string DivisionName(string code) => DivisionTable.Default.Find(code)?.Name ?? "";

    private bool WantsJson => Request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.Ordinal) == true);

    private async Task LoadAsync(string? month, string findingsPage)
    {
        await LoadStatusAsync();
        if (Status is not null)
        {
            Periods = Board.SignedPeriods();
            Quarter = ConsoleBoard.LatestQuarter(Status);
        }
        try
        {
            Findings = await Board.FindingsAsync(Kind, findingsPage);
        }
        catch (RpcException ex)
        {
            FindingsProblem = LocalCall.Problem(ex);
        }
        try
        {
            Indicators = await Board.IndicatorsAsync();
        }
        catch (RpcException ex)
        {
            IndicatorsProblem = LocalCall.Problem(ex);
        }
        await LoadOverdueAsync();
        Month = month is { Length: 7 } ? month : ConsoleBoard.DefaultMonth(Status ?? new NodeStatus(), BeijingTime.Date(time.GetUtcNow()));
        try
        {
            Enterprises = await Board.EnterprisesAsync(Month);
        }
        catch (RpcException ex)
        {
            EnterprisesProblem = LocalCall.Problem(ex);
        }
    }

    private async Task LoadStatusAsync()
    {
        try
        {
            Status = await Board.StatusAsync();
            Children = ConsoleBoard.Tree(Status, text.English);
        }
        catch (RpcException ex)
        {
            StatusProblem = LocalCall.Problem(ex);
        }
    }

    private async Task LoadOverdueAsync()
    {
        try
        {
            Overdue = await Board.OverdueAsync();
        }
        catch (RpcException ex)
        {
            OverdueProblem = LocalCall.Problem(ex);
        }
    }
}
