using Federation.Node.Registration;
using Federation.Node.Web.Desk;
using Federation.Node.Web.Operator;
using Federation.Protocol.V1;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Web.Pages.Desk;

/// <summary>
/// The local office's registration desk (a city node; role registrar): the queue with its
/// working-day deadlines, and the four actions. Each is the registration RPC itself, made through
/// <see cref="WebCalls"/> (<see cref="DeskBoard"/>): authorised by the same table row, audited,
/// and refused with the same words. A refusal is shown on the page as the RPC said it.
/// </summary>
[WebAccess(DeskBoard.ListMethod, DeskBoard.DecideMethod, DeskBoard.ContactMethod, DeskBoard.RegisterMethod, DeskBoard.ExitMethod)]
internal sealed class IndexModel(WebCalls calls, WebText text, NodeIdentity identity, RegistrationDesk desk) : PageModel
{
    public DeskQueue? Queue { get; private set; }

    /// <summary>What the last action did (for the status line), or null.</summary>
    public string? Done { get; private set; }

    /// <summary>Why the last action or the queue was refused, as the RPC said it.</summary>
    public string? Problem { get; private set; }

    public bool IsCity => identity.Level == Federation.Node.Configuration.NodeLevel.City;

    public IReadOnlyList<(string Code, string Name)> Counties { get; private set; } = [];

    private DeskBoard Board => new(new WebCaller(calls, HttpContext), identity, desk);

    public Task OnGetAsync() => LoadAsync();

    public Task<IActionResult> OnPostDecideAsync(string applicationId, string decision, string? reason) =>
        ActAsync(async board =>
        {
            var result = await board.DecideAsync(applicationId, decision == "accept", reason ?? "");
            return result.Status == "accepted"
                ? L($"申请 {result.ApplicationId} 已受理，登记编号 {result.RegistrationId}，请于 {result.ContactDue} 前联系本人。",
                    $"Application {result.ApplicationId} accepted: registration {result.RegistrationId}; contact the worker by {result.ContactDue}.")
                : L($"申请 {result.ApplicationId} 不予受理：{result.RefusalReason}。", $"Application {result.ApplicationId} refused: {result.RefusalReason}.");
        });

    public Task<IActionResult> OnPostContactAsync(string applicationId) =>
        ActAsync(async board =>
        {
            var result = await board.ContactAsync(applicationId);
            return L($"已记录：申请 {result.ApplicationId} 于 {result.ContactedOn} 联系本人。", $"Recorded: the worker of {result.ApplicationId} was contacted on {result.ContactedOn}.");
        });

    public Task<IActionResult> OnPostRegisterAsync(string registrationId, string citizenId, string category, string handlingDivision, string? registerDate) =>
        ActAsync(async board =>
        {
            var result = await board.RegisterAsync(new RegisterLocallyRequest
            {
                RegistrationId = registrationId ?? "", CitizenId = citizenId ?? "", Category = category ?? "", HandlingDivision = handlingDivision ?? "", RegisterDate = registerDate ?? "",
            });
            var r = result.Registration;
            return result.Merged
                ? L($"此人已在本市登记（{r.RegistrationId}，自 {r.RegisterDate} 起）：本次登记已并入，一人一个有效登记。",
                    $"This person is already registered here ({r.RegistrationId}, from {r.RegisterDate}): the registration joined it.")
                : L($"已登记：{r.RegistrationId}，自 {r.RegisterDate} 起。", $"Registered: {r.RegistrationId}, from {r.RegisterDate}.");
        });

    public Task<IActionResult> OnPostExitAsync(string registrationId, string reason, string? exitDate) =>
        ActAsync(async board =>
        {
            var r = await board.ExitAsync(new RecordExitRequest { RegistrationId = registrationId ?? "", Reason = reason ?? "", ExitDate = exitDate ?? "" });
            return L($"已注销登记 {r.RegistrationId}：{Federation.Standards.ExitReasons.UnemploymentName(r.CancelReason)}，{r.CancelDate}。",
                $"Registration {r.RegistrationId} ended: {r.CancelReason}, {r.CancelDate}.");
        });

    private async Task<IActionResult> ActAsync(Func<DeskBoard, Task<string>> action)
    {
        try
        {
            Done = await action(Board);
        }
        catch (RpcException ex)
        {
            Problem = LocalCall.Problem(ex);
            Response.StatusCode = ex.StatusCode == Grpc.Core.StatusCode.PermissionDenied ? StatusCodes.Status403Forbidden : StatusCodes.Status422UnprocessableEntity;
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Counties = Board.Counties();
        try
        {
            Queue = await Board.QueueAsync();
        }
        catch (RpcException ex)
        {
            Problem ??= LocalCall.Problem(ex);
        }
    }

    private string L(string chinese, string english) => text.T(chinese, english);
}
