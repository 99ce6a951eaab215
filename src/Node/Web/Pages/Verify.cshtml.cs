using Federation.Node.Verification;
using Federation.Protocol.V1;
using Federation.Standards;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages;

/// <summary>
/// An agency's verification: a worker by certificate number (<c>VerifyCertificate</c>) or
/// citizen ID (<c>VerifyPerson</c>), shown as <c>fedctl verify</c> shows it — the holder's card and
/// where the answer came from. Each lookup is that RPC, made in process as the signed-in account
/// (<see cref="WebCalls"/>): authorised by the same table row (role and jurisdiction) and audited.
/// </summary>
[WebAccess(CertificateMethod, PersonMethod)]
internal sealed class VerifyModel(WebCalls calls, WebText text) : PageModel
{
    public const string CertificateMethod = "/federation.v1.Verification/VerifyCertificate";
    public const string PersonMethod = "/federation.v1.Verification/VerifyPerson";

    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public string? CitizenId { get; set; }

    /// <summary>What was asked, for the card's heading (the typed value, folded).</summary>
    public string? Subject { get; private set; }

    public VerifyResponse? Answer { get; private set; }

    public string? Problem { get; private set; }

    public string? ProblemDetail { get; private set; }

    public async Task<IActionResult> OnPostCertificateAsync()
    {
        if (!CertificateNumber.TryParse(TypedNumber.Fold(Number), out var number, out var error))
        {
            return Refuse(StatusCodes.Status400BadRequest, text.T("证书编号格式不正确。", "The certificate number is not well formed."), error);
        }
        Subject = text.T("证书 ", "Certificate ") + number.Value;
        return await AskAsync(CertificateMethod, new VerifyCertificateRequest { CertificateNumber = number.Value },
            (VerificationService service, VerifyCertificateRequest request, ServerCallContext context) => service.VerifyCertificate(request, context));
    }

    public async Task<IActionResult> OnPostPersonAsync()
    {
        if (!Federation.Standards.CitizenId.TryParse(TypedNumber.Fold(CitizenId), out var id, out var error))
        {
            return Refuse(StatusCodes.Status400BadRequest, text.T("公民身份号码不正确。", "The citizen ID is not right."), error);
        }
        Subject = text.T("公民身份号码 ", "Citizen ID ") + id.Value;
        return await AskAsync(PersonMethod, new VerifyPersonRequest { CitizenId = id.Value },
            (VerificationService service, VerifyPersonRequest request, ServerCallContext context) => service.VerifyPerson(request, context));
    }

    private async Task<IActionResult> AskAsync<TRequest>(string method, TRequest request, Func<VerificationService, TRequest, ServerCallContext, Task<VerifyResponse>> call)
        where TRequest : class
    {
        try
        {
            Answer = await calls.UnaryAsync(HttpContext, method, request, call);
            if (!Answer.Found)
            {
                Response.StatusCode = StatusCodes.Status404NotFound;
            }
            return Page();
        }
        catch (RpcException ex)
        {
            return ex.StatusCode switch
            {
                Grpc.Core.StatusCode.PermissionDenied => Refuse(StatusCodes.Status403Forbidden, text.T("您的账户无权查询此记录。", "Your account may not look this record up."), ex.Status.Detail),
                Grpc.Core.StatusCode.Unauthenticated => Refuse(StatusCodes.Status401Unauthorized, text.T("请重新登录。", "Sign in again."), ex.Status.Detail),
                Grpc.Core.StatusCode.InvalidArgument => Refuse(StatusCodes.Status400BadRequest, text.T("输入有误。", "The input is not right."), ex.Status.Detail),
                Grpc.Core.StatusCode.NotFound => Refuse(StatusCodes.Status404NotFound, text.T("此记录不在本节点的辖区内。", "The record is outside this node's jurisdiction."), ex.Status.Detail),
                _ => Refuse(StatusCodes.Status503ServiceUnavailable, text.T("暂时无法查询，请稍后再试。", "The lookup cannot be made just now; try again later."), ex.Status.Detail),
            };
        }
    }

    private PageResult Refuse(int status, string problem, string detail)
    {
        Problem = problem;
        ProblemDetail = detail;
        Response.StatusCode = status;
        return Page();
    }

    // The words of the card, in the reader's language.

    public string Employment(EmploymentState state) => state switch
    {
        EmploymentState.Employed => text.T("就业", "employed"),
        EmploymentState.Unemployed => text.T("登记失业", "registered unemployed"),
        EmploymentState.Conflicting => text.T("同时登记就业和失业（见比对结果）", "registered employed and unemployed at once (see findings)"),
        _ => text.T("未登记", "not registered"),
    };

    public string State(CertificateStatus certificate) => certificate.State switch
    {
        CertificateState.Valid => text.T("有效", "valid"),
        CertificateState.Cancelled => text.T("已注销 ", "cancelled ") + certificate.Certificate.CancelDate,
        _ => text.T("已作废", "invalidated"),
    };

    public string Form(string form) => form switch
    {
        "unit" => text.T("单位就业", "employed by a unit"),
        "self" => text.T("个体经营", "self-employed"),
        "flexible" => text.T("灵活就业", "flexible employment"),
        _ => form,
    };

    public string Category(string category) => category switch
    {
        "new_entrant" => text.T("新成长失业青年", "new entrant"),
        "employment_to_unemployment" => text.T("就业转失业", "from employment"),
        "other" => text.T("其他", "other"),
        _ => category,
    };

    public string Freshness(AnswerSource source) => source.Freshness == Protocol.V1.Freshness.Live
        ? text.T("实时", "live")
        : text.T($"缓存（{source.CachedPeriod} 期快照）", $"cached (snapshot of period {source.CachedPeriod})");
}
