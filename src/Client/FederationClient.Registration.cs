using Federation.Protocol.V1;

namespace Federation.Client;

// The calls of the registration service: applications, local registrations, exits, the feed check.
public sealed partial class FederationClient
{
    /// <summary>
    /// Submits an application for unemployment registration (the national platform, at the ministry node).
    /// Retried safely when it carries a platform reference: the node returns the application already made.
    /// </summary>
    public Task<SubmitApplicationResponse> SubmitApplicationAsync(SubmitApplicationRequest request, CancellationToken cancellationToken = default) =>
        request.PlatformReference.Length > 0
            ? CallIdempotentAsync("submit application", options => Registration.SubmitApplicationAsync(request, options).ResponseAsync, cancellationToken)
            : CallOnceAsync("submit application", options => Registration.SubmitApplicationAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>
    /// Accepts or refuses (with a reason) an application at its city node. Retried safely: the node
    /// answers the same decision again as recorded (docs/registration.md, idempotent delivery).
    /// </summary>
    public Task<ApplicationResponse> DecideApplicationAsync(string applicationId, bool accept, string? refusalReason = null, CancellationToken cancellationToken = default) =>
        DecideApplicationAsync(new DecideApplicationRequest { ApplicationId = applicationId, Accept = accept, RefusalReason = refusalReason ?? "" }, cancellationToken);

    /// <summary>As above, with the day the office decided (<c>decided_on</c>). Retried safely.</summary>
    public Task<ApplicationResponse> DecideApplicationAsync(DecideApplicationRequest request, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("decide application", options => Registration.DecideApplicationAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>Records that the worker of an accepted application was contacted. Retried safely.</summary>
    public Task<ApplicationResponse> RecordContactAsync(string applicationId, CancellationToken cancellationToken = default) =>
        RecordContactAsync(new RecordContactRequest { ApplicationId = applicationId }, cancellationToken);

    /// <summary>As above, with the day of the contact (<c>contacted_on</c>). Retried safely.</summary>
    public Task<ApplicationResponse> RecordContactAsync(RecordContactRequest request, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("record contact", options => Registration.RecordContactAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>Records a registration made at the local office; retried safely (the same id is recorded once).</summary>
    public Task<RegistrationResponse> RegisterLocallyAsync(RegisterLocallyRequest request, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("register locally", options => Registration.RegisterLocallyAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>
    /// Records an exit (注销) for a listed reason. Retried safely: the same exit again is
    /// answered as recorded; another exit of a cancelled registration is refused with why.
    /// </summary>
    public Task<RegistrationResponse> RecordExitAsync(string registrationId, string reason, string? exitDate = null, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("record exit", options => Registration.RecordExitAsync(
            new RecordExitRequest { RegistrationId = registrationId, Reason = reason, ExitDate = exitDate ?? "" }, options).ResponseAsync, cancellationToken);

    /// <summary>Applications seen by the node, and its backlog per city.</summary>
    public Task<ListApplicationsResponse> ListApplicationsAsync(ListApplicationsRequest request, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("list applications", options => Registration.ListApplicationsAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>The registration feed checked against a sealed period (null: the latest).</summary>
    public Task<CheckFeedResponse> CheckFeedAsync(string? period = null, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("check feed", options => Registration.CheckFeedAsync(new CheckFeedRequest { Period = period ?? "" }, options).ResponseAsync, cancellationToken);

    private Protocol.V1.Registration.RegistrationClient Registration => new(_channel);
}
