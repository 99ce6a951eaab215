using Federation.Node.Verification;
using Federation.Protocol.V1;
using Federation.Standards;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages;

/// <summary>
/// The public check (真伪查验, R-8): a certificate number and a name → genuine or not, nothing else.
/// It is the <c>PublicCheck</c> RPC, made in process (<see cref="WebCalls"/>): the same rate limit
/// per client address, the same answer bytes for every "no", the same latency floor and the same
/// audit entry. The input is folded and checked as the client library does (<see cref="TypedNumber"/>,
/// <see cref="CertificateNumber.TryParse"/>). A POST, so that neither the number nor the name is in an
/// address, a history or a log.
/// </summary>
[WebAccess(Method)]
internal sealed class CheckModel(WebCalls calls, WebText text) : PageModel
{
    public const string Method = "/federation.v1.Verification/PublicCheck";

    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    public bool? Genuine { get; private set; }

    public bool Cached { get; private set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!CertificateNumber.TryParse(TypedNumber.Fold(Number), out var number, out var error))
        {
            return Refuse(StatusCodes.Status400BadRequest, text.T("证书编号格式不正确：", "The certificate number is not well formed: ") + error);
        }
        var name = Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, text.T("请输入持证人姓名（与证书上所印一致）。", "Enter the holder's name as printed on the certificate."));
        }
        try
        {
            var answer = await calls.UnaryAsync<VerificationService, PublicCheckRequest, PublicCheckResponse>(HttpContext, Method,
                new PublicCheckRequest { CertificateNumber = number.Value, Name = name }, (service, request, context) => service.PublicCheck(request, context));
            Genuine = answer.Genuine;
            Cached = answer.Genuine && answer.Freshness == Freshness.Cached;
            return Page();
        }
        catch (RpcException ex)
        {
            return ex.StatusCode switch
            {
                Grpc.Core.StatusCode.ResourceExhausted => Refuse(StatusCodes.Status429TooManyRequests, text.T("查验过于频繁，请一分钟后再试。", "Too many checks from this address; try again in a minute.")),
                Grpc.Core.StatusCode.InvalidArgument => Refuse(StatusCodes.Status400BadRequest, text.T("输入有误：", "The input is not right: ") + ex.Status.Detail),
                Grpc.Core.StatusCode.NotFound => Refuse(StatusCodes.Status404NotFound, text.T("该证书不在本节点的辖区内签发，请到全国查验网站（人力资源和社会保障部）查验。",
                    "This certificate was not issued in this node's jurisdiction; check it on the national site (the ministry's).")),
                _ => Refuse(StatusCodes.Status503ServiceUnavailable, text.T("暂时无法查验，请稍后再试。", "The check cannot be made just now; try again later.")),
            };
        }
    }

    private PageResult Refuse(int status, string problem)
    {
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }
}
