using System.Diagnostics;
using Federation.Node.Configuration;
using Federation.Protocol.V1;
using Federation.Standards;
using Grpc.Core;

namespace Federation.Demo;

/// <summary>
/// The registration service in the demo (docs/registration.md): an application submitted at the
/// ministry travels down to its city, is decided there and the decision comes back; a local
/// registration and its exit reach the ministry the same "day" — each step timed — and an exit for
/// a reason R-17 forbids is refused. Then the generator's cases of issue 21: a backlog entered late
/// with its real days, an exit delivered twice, a person registering locally in a second city, and
/// an application for 东莞 (441900) — each outcome printed as the nodes answered it.
/// </summary>
internal static class DemoRegistration
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Func<string, Grpc.Net.Client.GrpcChannel> channel, string ministryId, NodeConfiguration city, string provinceId,
        NodeConfiguration secondCity, CancellationToken cancellationToken)
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

        await RunGeneratedCasesAsync(channel, ministryId, city, secondCity, cancellationToken);
    }

    // The generator's cases: a backlog entered late (its real days), the same exit delivered twice,
    // a person registering locally in a second city, and an application for 东莞, which has no node
    // in the demo tree. What each node answered is printed, whatever it was.
    private static async Task RunGeneratedCasesAsync(Func<string, Grpc.Net.Client.GrpcChannel> channel, string ministryId, NodeConfiguration city,
        NodeConfiguration secondCity, CancellationToken cancellationToken)
    {
        var national = new Registration.RegistrationClient(channel(ministryId));
        var ministryAdmin = new Admin.AdminClient(channel(ministryId));
        var office = new Registration.RegistrationClient(channel(city.Node.Id));
        var cityAdmin = new Admin.AdminClient(channel(city.Node.Id));
        var otherOffice = new Registration.RegistrationClient(channel(secondCity.Node.Id));
        // Three days back at most: the demo's sealed period (R-3) ends at least five days before today.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var cases = Federation.DataGen.RegistrationGenerator.Generate(new Federation.DataGen.RegistrationTrafficOptions
        {
            CityCode = city.Node.DivisionCode, Applications = 0, LocalRegistrations = 0, Exits = 0, ForbiddenExits = 0, AlsoLocal = 0,
            Backlog = 2, BacklogDays = 3, Today = today, Retries = 1, CrossCity = 1, SecondCityCode = secondCity.Node.DivisionCode, Seed = 2027, IdOffset = 950,
        });
        Console.WriteLine($"  a backlog entered late at {city.Node.Id}, each event on the day it happened:");
        var applicationId = "";
        string? localCitizen = null;
        foreach (var e in cases)
        {
            switch (e.Kind)
            {
                case "application":
                    var received = (await national.SubmitApplicationAsync(new SubmitApplicationRequest
                    {
                        CitizenId = e.CitizenId, Name = e.Name, PlaceType = e.PlaceType, PlaceDivision = e.Division, Category = e.Category,
                        PlatformReference = $"demo-{DateTime.UtcNow:yyyyMMddHHmmss}-{e.Reference}", ReceivedOn = e.Day,
                    }, cancellationToken: cancellationToken)).Application;
                    applicationId = received.ApplicationId;
                    Console.WriteLine($"    application {applicationId} received {received.ReceivedOn} (decision due by {received.DecisionDue})");
                    await UntilAsync(async () => (await office.ListApplicationsAsync(new ListApplicationsRequest(), cancellationToken: cancellationToken)).Applications
                        .Any(a => a.ApplicationId == applicationId), $"the application reaching {city.Node.Id}", cancellationToken);
                    break;
                case "decision":
                    var decided = (await office.DecideApplicationAsync(new DecideApplicationRequest { ApplicationId = applicationId, Accept = true, DecidedOn = e.Day },
                        cancellationToken: cancellationToken)).Application;
                    Console.WriteLine($"    accepted on {decided.DecidedOn}: registration {decided.RegistrationId} from that day, contact due by {decided.ContactDue}");
                    break;
                case "contact":
                    var contacted = (await office.RecordContactAsync(new RecordContactRequest { ApplicationId = applicationId, ContactedOn = e.Day },
                        cancellationToken: cancellationToken)).Application;
                    Console.WriteLine($"    worker contacted {contacted.ContactedOn}: {(contacted.ContactOverdue ? "after the deadline" : "within the deadline")}");
                    break;
                case "local" when DivisionTable.Default.CityOf(e.Division) == city.Node.DivisionCode:
                    var local = (await office.RegisterLocallyAsync(new RegisterLocallyRequest
                    {
                        RegistrationId = e.RegistrationId, CitizenId = e.CitizenId, Category = e.Category, HandlingDivision = e.Division, RegisterDate = e.Day,
                    }, cancellationToken: cancellationToken)).Registration;
                    Console.WriteLine($"    local registration {local.RegistrationId} from {local.RegisterDate}");
                    break;
                case "exit":
                    var exit = (await office.RecordExitAsync(new RecordExitRequest { RegistrationId = e.RegistrationId, Reason = e.Reason, ExitDate = e.Day },
                        cancellationToken: cancellationToken)).Registration;
                    Console.WriteLine($"    its exit on {exit.CancelDate} ({exit.CancelReason})");
                    break;
                case "exit_retry":
                    var head = (await cityAdmin.GetNodeStatusAsync(new GetNodeStatusRequest(), cancellationToken: cancellationToken)).Registration.FeedHead;
                    var again = (await office.RecordExitAsync(new RecordExitRequest { RegistrationId = e.RegistrationId, Reason = e.Reason, ExitDate = e.Day },
                        cancellationToken: cancellationToken)).Registration;
                    var headAfter = (await cityAdmin.GetNodeStatusAsync(new GetNodeStatusRequest(), cancellationToken: cancellationToken)).Registration.FeedHead;
                    Console.WriteLine($"  the same exit of {again.RegistrationId} delivered again (a retry after a lost answer): answered cancelled {again.CancelDate} ({again.CancelReason}); " +
                        (headAfter == head ? $"nothing recorded twice ({city.Node.Id}'s feed stays at {head})" : $"{headAfter - head} change(s) recorded again"));
                    break;
                case "local":
                    // The cross-city case's first registration, in the second city; it reaches the ministry first.
                    async Task<long> ValidAtMinistry() => (await ministryAdmin.GetNodeStatusAsync(new GetNodeStatusRequest(), cancellationToken: cancellationToken))
                        .Registration.ValidToday.GetValueOrDefault(secondCity.Node.Id);
                    // R-18 at entry: the city refuses a person valid in another city once the
                    // ministry's index of valid registrations has reached it (docs/registration.md).
                    async Task<long> IndexedAtCity() => (await cityAdmin.GetNodeStatusAsync(new GetNodeStatusRequest(), cancellationToken: cancellationToken))
                        .Registration.IndexPeople;
                    var before = await ValidAtMinistry();
                    var indexedBefore = await IndexedAtCity();
                    var first = (await otherOffice.RegisterLocallyAsync(new RegisterLocallyRequest
                    {
                        RegistrationId = e.RegistrationId, CitizenId = e.CitizenId, Category = e.Category, HandlingDivision = e.Division,
                    }, cancellationToken: cancellationToken)).Registration;
                    await UntilAsync(async () => await ValidAtMinistry() > before, $"{secondCity.Node.Id}'s registration reaching {ministryId}", cancellationToken);
                    await UntilAsync(async () => await IndexedAtCity() > indexedBefore, $"{ministryId}'s index of valid registrations reaching {city.Node.Id}", cancellationToken);
                    localCitizen = e.CitizenId;
                    Console.WriteLine($"  person {CitizenId.Mask(e.CitizenId)} registered locally at {secondCity.Node.Id} ({first.RegistrationId}, from {first.RegisterDate}), known at {ministryId} and in {city.Node.Id}'s index");
                    break;
                case "cross_city_local":
                    try
                    {
                        var second = await office.RegisterLocallyAsync(new RegisterLocallyRequest
                        {
                            RegistrationId = e.RegistrationId, CitizenId = e.CitizenId, Category = e.Category, HandlingDivision = e.Division,
                        }, cancellationToken: cancellationToken);
                        Console.WriteLine($"  the same person registered locally at {city.Node.Id} too: accepted as {second.Registration.RegistrationId}" +
                            (second.Provisional ? " provisionally (cut off from its parent; flagged at the ministry)" : "") +
                            (e.CitizenId == localCitizen ? $" while valid at {secondCity.Node.Id} — two registrations for one person" : ""));
                    }
                    catch (RpcException ex) when (ex.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled))
                    {
                        Console.WriteLine($"  the same person registered locally at {city.Node.Id} too: refused ({ex.StatusCode}) — {ex.Status.Detail}");
                    }
                    break;
                default:
                    throw new DemoException($"The generator produced an event of kind {e.Kind} the demo does not replay.");
            }
        }

        // 东莞 has no counties: its own code is the county-level place. The demo tree has no node for it.
        var dongguan = Federation.DataGen.RegistrationGenerator.Generate(new Federation.DataGen.RegistrationTrafficOptions
        {
            CityCode = "441900", Applications = 1, LocalRegistrations = 0, Exits = 0, ForbiddenExits = 0, AlsoLocal = 0, Seed = 2027, IdOffset = 960,
        }).Single();
        try
        {
            var application = (await national.SubmitApplicationAsync(new SubmitApplicationRequest
            {
                CitizenId = dongguan.CitizenId, Name = dongguan.Name, PlaceType = dongguan.PlaceType, PlaceDivision = dongguan.Division, Category = dongguan.Category,
                PlatformReference = $"demo-{DateTime.UtcNow:yyyyMMddHHmmss}-dongguan",
            }, cancellationToken: cancellationToken)).Application;
            Console.WriteLine($"  application for 东莞 ({dongguan.Division}) at {ministryId}: {application.Status} for city {application.CityDivision}" +
                (application.RefusalReason.Length > 0 ? $" — {application.RefusalReason}" : $", decision due by {application.DecisionDue}"));
        }
        catch (RpcException ex) when (ex.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled))
        {
            Console.WriteLine($"  application for 东莞 ({dongguan.Division}) at {ministryId}: refused at submission ({ex.StatusCode}) — {ex.Status.Detail}");
        }
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
