using System.Diagnostics;
using Federation.Node.Hosting;
using Federation.Protocol.V1;
using Federation.Standards;
using Grpc.Core;

namespace Federation.Demo;

/// <summary>
/// The registration service in the demo (docs/registration.md): an application submitted at the
/// ministry travels down to its city, is decided there and the decision comes back; a local
/// registration and its exit reach the ministry the same "day" — each step timed — and an exit for
/// a reason R-17 forbids is refused.
/// </summary>
internal static class DemoRegistration
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Func<string, Grpc.Net.Client.GrpcChannel> channel, string ministryId, NodeConfiguration city, string provinceId,
        CancellationToken cancellationToken)
    {
        var national = new Registration.RegistrationClient(channel(ministryId));
        var ministryAdmin = new Admin.AdminClient(channel(ministryId));
        var office = new Registration.RegistrationClient(channel(city.Node.Id));
        var county = DivisionTable.Default.CountyLevelUnitsOf(city.Node.DivisionCode)[0];
        var traffic = Federation.DataGen.RegistrationGenerator.Generate(new Federation.DataGen.RegistrationTrafficOptions
        {
            CityCode = city.Node.DivisionCode, Applications = 1, LocalRegistrations = 1, Exits = 0, ForbiddenExits = 0, AlsoLocal = 0, Seed = 2026, IdOffset = 900,
        });
        var applicant = traffic.Single(e => e.Kind == "application");
        var local = traffic.Single(e => e.Kind == "local");
        Console.WriteLine();
        Console.WriteLine($"Registration service: {ministryId} → {provinceId} → {city.Node.Id} and back");

        var clock = Stopwatch.StartNew();
        var submitted = (await national.SubmitApplicationAsync(new SubmitApplicationRequest
        {
            CitizenId = applicant.CitizenId, Name = applicant.Name, PlaceType = applicant.PlaceType, PlaceDivision = county, Category = applicant.Category,
            PlatformReference = $"demo-{DateTime.UtcNow:yyyyMMddHHmmss}",
        }, cancellationToken: cancellationToken)).Application;
        Console.WriteLine($"  submitted at {ministryId}: application {submitted.ApplicationId}, {CitizenId.Mask(submitted.CitizenId)} {submitted.Name}, {submitted.PlaceType} {submitted.PlaceDivision}; decision due by {submitted.DecisionDue}");
        await UntilAsync(async () => (await office.ListApplicationsAsync(new ListApplicationsRequest(), cancellationToken: cancellationToken)).Applications
            .Any(a => a.ApplicationId == submitted.ApplicationId), $"the application reaching {city.Node.Id}", cancellationToken);
        Console.WriteLine($"  reached {city.Node.Id} in {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        var decided = (await office.DecideApplicationAsync(new DecideApplicationRequest { ApplicationId = submitted.ApplicationId, Accept = true }, cancellationToken: cancellationToken)).Application;
        await UntilAsync(async () => (await national.ListApplicationsAsync(new ListApplicationsRequest { Status = "accepted" }, cancellationToken: cancellationToken)).Applications
            .Any(a => a.ApplicationId == submitted.ApplicationId), $"the decision reaching {ministryId}", cancellationToken);
        Console.WriteLine($"  accepted at {city.Node.Id} (registration {decided.RegistrationId}, contact due by {decided.ContactDue}); the decision was at {ministryId} {clock.ElapsedMilliseconds} ms later");

        async Task<long> MinistryFeedHead() => (await ministryAdmin.GetNodeStatusAsync(new GetNodeStatusRequest(), cancellationToken: cancellationToken)).Registration.FeedHead;
        var before = await MinistryFeedHead();
        // Timed from the local registration: it and its exit are the two changes awaited.
        clock.Restart();
        var registered = (await office.RegisterLocallyAsync(new RegisterLocallyRequest
        {
            RegistrationId = local.RegistrationId, CitizenId = local.CitizenId, Category = local.Category, HandlingDivision = county,
        }, cancellationToken: cancellationToken)).Registration;
        try
        {
            await office.RecordExitAsync(new RecordExitRequest { RegistrationId = registered.RegistrationId, Reason = "连续3次拒绝接受公共就业服务" }, cancellationToken: cancellationToken);
            throw new DemoException("An exit for refusing services 3 times was accepted; R-17 forbids it.");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            Console.WriteLine($"  exit of {registered.RegistrationId} for refusing services 3 times: refused — {ex.Status.Detail}");
        }
        var exited = (await office.RecordExitAsync(new RecordExitRequest { RegistrationId = registered.RegistrationId, Reason = "被用人单位录用" }, cancellationToken: cancellationToken)).Registration;
        // Two changes: the registration and its exit.
        await UntilAsync(async () => await MinistryFeedHead() >= before + 2, $"the exit reaching {ministryId}", cancellationToken);
        Console.WriteLine($"  local registration {registered.RegistrationId} and its exit at {city.Node.Id} ({exited.CancelReason}, {exited.CancelDate}): at {ministryId} {clock.ElapsedMilliseconds} ms later");
    }

    private static async Task UntilAsync(Func<Task<bool>> done, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new DemoException($"Waited {Patience.TotalSeconds} s for {what}; see the nodes' logs in logs/demo.");
            }
            await Task.Delay(20, cancellationToken);
        }
    }
}
