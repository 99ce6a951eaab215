using System.Globalization;
using Federation.Node.Admin;
using Federation.Node.Registration;
using Federation.Node.Security;
using Federation.Node.Statistics;
using Federation.Protocol.V1;
using Federation.Reporting;
using Federation.Shared;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Web.Operator;

/// <summary>One child in the console's tree, with what an operator reads first: its state in Chinese.</summary>
internal sealed record ChildRow(ChildNode Node, string State, string StateEnglish, string StateClass, string Lag);

/// <summary>A sealed period of this node: its manifest, merged sources and signature as verified now.</summary>
internal sealed record SealedRow(Manifest Manifest, VerifiedPeriod? Verified);

/// <summary>The periods this node holds signed or unsigned, each verified against the deployment's CA.</summary>
internal sealed record SignedPeriodsView(IReadOnlyList<SealedRow> Own, IReadOnlyList<VerifiedPeriod> Received, IReadOnlyList<BundledUnsignedPeriod> Unsigned, string Problem);

/// <summary>A quarterly report as the console serves it: the HTML page and the spreadsheet, named <c>FileStem</c>.html / .xlsx as fedctl names them.</summary>
internal sealed record ConsoleReport(string Quarter, string QuarterChinese, string Period, string Digest, string Html, byte[] Workbook, string FileStem);

/// <summary>
/// The operator console's reads and its one action (resync), each through the node's own gRPC
/// service method made in process (<see cref="IServiceCaller"/>: on a page, authorised and audited
/// as for a gRPC caller): the tree and registration feed from
/// <c>Admin/GetNodeStatus</c>, findings from <c>Admin/ListFindings</c> (citizen IDs masked here, as
/// <c>fedctl findings</c> masks them), R-10…R-15 from <c>Statistics/GetIndicators</c>, enterprise
/// monitoring from <c>Statistics/GetEnterpriseSummary</c>, overdue applications from
/// <c>Registration/ListApplications</c>, the resync from <c>Admin/TriggerResync</c> and
/// <c>GetOperation</c>; the quarterly report is <c>fedctl report</c>'s own code over those reads.
/// Signed periods are the bundle <c>Federation.Node periods --export</c> writes, verified as
/// <c>fedctl periods verify</c> verifies it.
/// </summary>
internal sealed class ConsoleBoard(IServiceCaller caller, IServiceProvider services, NodeOptions node, SecurityPaths paths, TimeProvider time)
{
    public const string StatusMethod = "/federation.v1.Admin/GetNodeStatus";
    public const string FindingsMethod = "/federation.v1.Admin/ListFindings";
    public const string ResyncMethod = "/federation.v1.Admin/TriggerResync";
    public const string OperationMethod = "/federation.v1.Admin/GetOperation";
    public const string IndicatorsMethod = "/federation.v1.Statistics/GetIndicators";
    public const string EnterprisesMethod = "/federation.v1.Statistics/GetEnterpriseSummary";
    public const string ApplicationsMethod = "/federation.v1.Registration/ListApplications";

    public Task<NodeStatus> StatusAsync() =>
        caller.CallAsync<AdminService, GetNodeStatusRequest, NodeStatus>(StatusMethod, new GetNodeStatusRequest(), (s, r, c) => s.GetNodeStatus(r, c));

    /// <summary>Each child's row: 从未拉取 / 陈旧 (the last pull failed, the last good snapshot is served) / 迟报 (behind the R-3 calendar) / 按时.</summary>
    public static IReadOnlyList<ChildRow> Tree(NodeStatus status, bool english = false) =>
        [.. status.Children.Select(c => new ChildRow(c,
            c.NeverPulled ? "从未拉取" : c.Stale ? "陈旧（最近一次拉取失败）" : c.Late ? "迟报" : "按时",
            c.NeverPulled ? "never pulled" : c.Stale ? "stale (the last pull failed)" : c.Late ? "late" : "on time",
            c.NeverPulled || c.Stale ? "state-stale" : c.Late ? "state-late" : "state-ok",
            c.Lag is null ? "—" : Duration(c.Lag.ToTimeSpan(), english)))];

    /// <summary>A lag as an operator reads it: 2 天 3 小时, 5 小时 12 分, 40 秒 (in English: 2 d 3 h, 5 h 12 min, 40 s).</summary>
    public static string Duration(TimeSpan span, bool english = false) =>
        span.TotalDays >= 1 ? (english ? $"{(int)span.TotalDays} d {span.Hours} h" : $"{(int)span.TotalDays} 天 {span.Hours} 小时")
        : span.TotalHours >= 1 ? (english ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalHours} 小时 {span.Minutes} 分")
        : span.TotalMinutes >= 1 ? (english ? $"{(int)span.TotalMinutes} min {span.Seconds} s" : $"{(int)span.TotalMinutes} 分 {span.Seconds} 秒")
        : english ? $"{Math.Max(0, (int)span.TotalSeconds)} s" : $"{Math.Max(0, (int)span.TotalSeconds)} 秒";

    /// <summary>Findings of the latest (or given) sealed period, a page at a time; a subject that is a citizen ID is masked.</summary>
    public async Task<ListFindingsResponse> FindingsAsync(string kind, string pageToken)
    {
        var request = new ListFindingsRequest { Kind = kind, PageToken = pageToken, PageSize = 50 };
        var response = await caller.CallAsync<AdminService, ListFindingsRequest, ListFindingsResponse>(FindingsMethod, request, (s, r, c) => s.ListFindings(r, c));
        foreach (var finding in response.Findings)
        {
            finding.Subject = MaskSubject(finding.Subject);
        }
        return response;
    }

    /// <summary>As <c>fedctl findings</c>: a citizen ID shows as 110101********1234; a certificate number or credit code as it is.</summary>
    public static string MaskSubject(string subject) => CitizenId.TryParse(subject, out _, out _) ? CitizenId.Mask(subject) : subject;

    /// <summary>R-10 … R-14 of the latest sealed period's statistics month, with each child's figures and its R-15 check at a parent.</summary>
    public Task<Indicators> IndicatorsAsync() =>
        caller.CallAsync<StatisticsService, GetIndicatorsRequest, Indicators>(IndicatorsMethod, new GetIndicatorsRequest(), (s, r, c) => s.GetIndicators(r, c));

    /// <summary>Enterprise monitoring's summary of a survey month (YYYY-MM) from the latest sealed period.</summary>
    public Task<EnterpriseSummary> EnterprisesAsync(string month) =>
        caller.CallAsync<StatisticsService, GetEnterpriseSummaryRequest, EnterpriseSummary>(EnterprisesMethod, new GetEnterpriseSummaryRequest { Month = month },
            (s, r, c) => s.GetEnterpriseSummary(r, c));

    /// <summary>The survey month the console shows first: the month before the latest sealed period's (monitoring reports a month after it ends).</summary>
    public static string DefaultMonth(NodeStatus status, DateOnly today)
    {
        var day = status.LatestSealed is { Period.Length: > 0 } latest ? DateOnly.ParseExact(latest.Period, "yyyy-MM-dd", CultureInfo.InvariantCulture) : today;
        return day.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    /// <summary>Applications past their decision or contact deadline, in every city below this node.</summary>
    public Task<ListApplicationsResponse> OverdueAsync() =>
        caller.CallAsync<RegistrationService, ListApplicationsRequest, ListApplicationsResponse>(ApplicationsMethod, new ListApplicationsRequest { OverdueOnly = true, Limit = 200 },
            (s, r, c) => s.ListApplications(r, c));

    /// <summary>Starts a resync of one child (or all, with an empty id); follow it with <see cref="OperationAsync"/>.</summary>
    public Task<Operation> ResyncAsync(string childId) =>
        caller.CallAsync<AdminService, TriggerResyncRequest, Operation>(ResyncMethod, new TriggerResyncRequest { ChildId = childId }, (s, r, c) => s.TriggerResync(r, c));

    public Task<Operation> OperationAsync(string id) =>
        caller.CallAsync<AdminService, GetOperationRequest, Operation>(OperationMethod, new GetOperationRequest { Id = id }, (s, r, c) => s.GetOperation(r, c));

    /// <summary>
    /// This node's sealed periods (with their merged sources) and every signed manifest it holds,
    /// verified now against the deployment's CA and its revocation list.
    /// </summary>
    public SignedPeriodsView SignedPeriods()
    {
        var manifests = services.GetRequiredService<ISealedPeriods>().ListManifests();
        var bundle = Exchange.Signing.SignedPeriodExport.Build(node, manifests, services.GetRequiredService<ISignedPeriods>(), services.GetRequiredService<IChildTransfers>());
        IReadOnlyList<VerifiedPeriod> verified = [];
        var problem = "";
        if (paths.CaPath is null)
        {
            problem = "本节点未配置 CA 证书（Security:CaPath），无法验证签名";
        }
        else
        {
            var revocations = services.GetRequiredService<RevocationList>();
            verified = BundleVerifier.Verify(bundle, CertificateAuthority.LoadPem(paths.CaPath), revocations.IsRevoked, NationalCrypto.VerifyOther);
        }
        var own = manifests.Reverse().Select(m => new SealedRow(m, verified.FirstOrDefault(v => v.Node == node.Id && v.Period == m.Period.ToString()))).ToList();
        return new SignedPeriodsView(own, [.. verified.Where(v => v.Node != node.Id).OrderBy(v => v.Node, StringComparer.Ordinal).ThenByDescending(v => v.Period, StringComparer.Ordinal)],
            bundle.Unsigned, problem);
    }

    /// <summary>
    /// The quarterly analysis report of <paramref name="quarterText"/> (2026Q3), gathered by
    /// <c>fedctl report</c>'s own code from this node's services and rendered by it: the same HTML,
    /// and the same spreadsheet. A quarter not written right, or one no sealed period covers yet,
    /// is refused with <see cref="ArgumentException"/> saying why.
    /// </summary>
    public async Task<ConsoleReport> ReportAsync(string quarterText, long employedTotal, bool english, CancellationToken cancellationToken)
    {
        var quarter = Quarter.Parse(quarterText);
        QuarterlyReportData data;
        try
        {
            data = await QuarterlyReportData.GatherAsync(new CallerReportSource(caller), quarter, null, employedTotal, time, cancellationToken);
        }
        catch (ReportException ex)
        {
            throw new ArgumentException(ex.Message, ex);
        }
        var file = Path.Combine(Path.GetTempPath(), $"federation-report-{Guid.NewGuid():N}.xlsx");
        try
        {
            QuarterlyReportWorkbook.Write(data, file);
            var workbook = await File.ReadAllBytesAsync(file, cancellationToken);
            return new ConsoleReport(quarter.ToString(), quarter.Chinese, data.Period, data.Digest, QuarterlyReportHtml.Render(data, english), workbook, $"report-{data.NodeId}-{quarter}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The latest quarter (2026Q3) the latest sealed period covers whole; null when nothing is sealed.</summary>
    public static string? LatestQuarter(NodeStatus status)
    {
        if (status.LatestSealed is not { Period.Length: > 0 } latest)
        {
            return null;
        }
        var day = DateOnly.ParseExact(latest.Period, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var quarter = new Quarter(day.Year, (day.Month - 1) / 3 + 1);
        return (quarter.Last <= day ? quarter : quarter.Shift(-1)).ToString();
    }

    // The report's three reads, as calls.
    private sealed class CallerReportSource(IServiceCaller caller) : IReportSource
    {
        public Task<NodeStatus> GetNodeStatusAsync(CancellationToken cancellationToken) =>
            caller.CallAsync<AdminService, GetNodeStatusRequest, NodeStatus>(StatusMethod, new GetNodeStatusRequest(), (s, r, c) => s.GetNodeStatus(r, c));

        public Task<Indicators> GetIndicatorsAsync(GetIndicatorsRequest request, CancellationToken cancellationToken) =>
            caller.CallAsync<StatisticsService, GetIndicatorsRequest, Indicators>(IndicatorsMethod, request, (s, r, c) => s.GetIndicators(r, c));

        public Task<EnterpriseSummary> GetEnterpriseSummaryAsync(GetEnterpriseSummaryRequest request, CancellationToken cancellationToken) =>
            caller.CallAsync<StatisticsService, GetEnterpriseSummaryRequest, EnterpriseSummary>(EnterprisesMethod, request, (s, r, c) => s.GetEnterpriseSummary(r, c));
    }
}
