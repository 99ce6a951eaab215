using Federation.Client;
using Federation.Protocol.V1;
using Federation.Standards;
using Grpc.Core;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// The registration service as DOMAIN.md's corrected reading means it, on a real tree (ministry ←
/// province ← 广州 and 东莞, each its own process): a city without counties registers its unemployed,
/// an application no node serves is refused at submission naming the county, events keep the day
/// they happened at the office, and a retried decision or exit after a lost answer gets the recorded
/// result through the client library; the ministry's count is the cities' sum and the number of
/// distinct people registered (docs/registration.md).
/// </summary>
public sealed class RegistrationSeedsTests
{
    [Fact]
    public async Task Dongguan_NoNodeNoApplication_EventsKeepTheirDays_ARetryAfterALostAnswerGetsTheRecordedResult()
    {
        await using var tree = await RegistrationTree.StartAsync("440100", "441900");
        var (guangzhou, dongguan) = (tree.City("440100"), tree.City("441900"));
        using var national = Tree.Client(tree.Ministry);
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

        // 1. 东莞 has no counties: its own code is the county-level place, and the application is Dongguan's.
        var worker = RegistrationTree.Citizen("441900", "19900101", "123");
        var submitted = (await national.SubmitApplicationAsync(Application(worker, "441900", "dg-1", today.AddDays(-2)))).Application;
        Assert.Equal(("pending", "441900"), (submitted.Status, submitted.CityDivision));

        // 2. 深圳 has no node in this tree: refused at submission, naming the county; nothing waits for it.
        var noNode = await Assert.ThrowsAsync<FederationException>(() => national.SubmitApplicationAsync(Application(RegistrationTree.Citizen("440304", "19920202", "552"), "440304", "sz-1", today)));
        Assert.Equal(StatusCode.FailedPrecondition, noNode.StatusCode);
        Assert.Contains($"no node serves 440304 ({DivisionTable.Default.Find("440304")!.Name})", noNode.Message, StringComparison.Ordinal);
        Assert.DoesNotContain((await national.ListApplicationsAsync(new ListApplicationsRequest())).Cities, c => c.CityDivision == "440300");

        // 4. A backlog entered late keeps its days: received two days ago, decided yesterday (the
        // registration starts then, the contact deadline runs from it), contacted yesterday.
        Assert.Equal(WorkingCalendar.WeekdaysOnly.Deadline(today.AddDays(-2), 3).ToString("yyyy-MM-dd"), submitted.DecisionDue);
        var lostOnce = new LoseFirstAnswer("/federation.v1.Registration/DecideApplication", "/federation.v1.Registration/RecordExit");
        using var office = Tree.Client(dongguan, options => options.WrapHandler = inner => lostOnce.Over(inner));
        await RegistrationTree.EventuallyAsync(async () => (await office.ListApplicationsAsync(new ListApplicationsRequest())).Applications.SingleOrDefault(), "the application reaches Dongguan");
        var yesterday = today.AddDays(-1).ToString("yyyy-MM-dd");
        using var plain = Tree.Client(dongguan);
        var future = await Assert.ThrowsAsync<FederationException>(() => plain.DecideApplicationAsync(
            new DecideApplicationRequest { ApplicationId = submitted.ApplicationId, Accept = true, DecidedOn = today.AddDays(1).ToString("yyyy-MM-dd") }));
        Assert.Contains("decided_on", future.Message, StringComparison.Ordinal);

        // 5. The first answer to the decision is lost: the client retries and gets the recorded decision.
        var decided = (await office.DecideApplicationAsync(new DecideApplicationRequest { ApplicationId = submitted.ApplicationId, Accept = true, DecidedOn = yesterday })).Application;
        Assert.Equal(1, lostOnce.Lost("/federation.v1.Registration/DecideApplication"));
        Assert.Equal(("accepted", yesterday, WorkingCalendar.WeekdaysOnly.Deadline(today.AddDays(-1), 5).ToString("yyyy-MM-dd")), (decided.Status, decided.DecidedOn, decided.ContactDue));
        var otherDecision = await Assert.ThrowsAsync<FederationException>(() => office.DecideApplicationAsync(submitted.ApplicationId, accept: false, "no_capacity"));
        Assert.Equal(StatusCode.FailedPrecondition, otherDecision.StatusCode);
        Assert.Contains("differs from the one recorded", otherDecision.Message, StringComparison.Ordinal);
        await office.RecordContactAsync(new RecordContactRequest { ApplicationId = submitted.ApplicationId, ContactedOn = yesterday });

        // A local registration in Dongguan, left for a job yesterday — an exit dated before the day
        // of upload — whose first answer is lost: the retry gets the recorded exit, nothing twice.
        var local = RegistrationTree.Citizen("441900", "19850505", "222");
        await office.RegisterLocallyAsync(new RegisterLocallyRequest { RegistrationId = "DG-L-1", CitizenId = local, Category = "other", HandlingDivision = "441900", RegisterDate = today.AddDays(-3).ToString("yyyy-MM-dd") });
        var exited = (await office.RecordExitAsync("DG-L-1", "被用人单位录用", yesterday)).Registration;
        Assert.Equal(1, lostOnce.Lost("/federation.v1.Registration/RecordExit"));
        Assert.Equal((yesterday, "employed"), (exited.CancelDate, exited.CancelReason));
        var otherExit = await Assert.ThrowsAsync<FederationException>(() => office.RecordExitAsync("DG-L-1", "pension", yesterday));
        Assert.Contains($"was already cancelled on {yesterday} (employed)", otherExit.Message, StringComparison.Ordinal);
        var dongguanStatus = (await office.GetNodeStatusAsync()).Registration;
        Assert.Equal(4, dongguanStatus.FeedHead); // the decision, the contact, the registration, its exit — each once

        // Guangzhou registers two people; the ministry counts what the cities count, and that is the
        // number of distinct people with a valid registration today (the Dongguan worker and these two).
        using (var gz = Tree.Client(guangzhou))
        {
            await gz.RegisterLocallyAsync(new RegisterLocallyRequest { RegistrationId = "GZ-L-1", CitizenId = RegistrationTree.Citizen("440103", "19850505", "331"), Category = "other", HandlingDivision = "440103" });
            await gz.RegisterLocallyAsync(new RegisterLocallyRequest { RegistrationId = "GZ-L-2", CitizenId = RegistrationTree.Citizen("440104", "19950303", "441"), Category = "new_entrant", HandlingDivision = "440104" });
            var counts = await RegistrationTree.EventuallyAsync(async () =>
            {
                var status = (await national.GetNodeStatusAsync()).Registration;
                return status.ValidToday.GetValueOrDefault("city-440100") == 2 && status.ValidToday.GetValueOrDefault("city-441900") == 1 ? status : null;
            }, "every change reaches the ministry");
            var cities = (await gz.GetNodeStatusAsync()).Registration.ValidToday.Concat((await office.GetNodeStatusAsync()).Registration.ValidToday).OrderBy(p => p.Key);
            Assert.Equal(cities, counts.ValidToday.OrderBy(p => p.Key));
            Assert.Equal(3L, counts.ValidToday.Values.Sum());
        }
        var atMinistry = await RegistrationTree.EventuallyAsync(async () => (await national.ListApplicationsAsync(new ListApplicationsRequest { Status = "accepted" })).Applications.SingleOrDefault(a => a.ContactedOn.Length > 0),
            "the contact reaches the ministry");
        Assert.Equal((yesterday, yesterday, false), (atMinistry.DecidedOn, atMinistry.ContactedOn, atMinistry.ContactOverdue));
    }

    private static SubmitApplicationRequest Application(string citizen, string place, string reference, DateOnly received) => new()
    {
        CitizenId = citizen, Name = "陈晓明", PlaceType = "residence", PlaceDivision = place, Category = "employment_to_unemployment", PlatformReference = reference,
        ReceivedOn = received.ToString("yyyy-MM-dd"),
    };

    /// <summary>Lets the first call of each named method reach the node, then loses its answer (as a dropped connection would).</summary>
    private sealed class LoseFirstAnswer(params string[] paths)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _lost = new(StringComparer.Ordinal);
        private readonly string[] _paths = paths;

        public int Lost(string path) => _lost.GetValueOrDefault(path);

        public HttpMessageHandler Over(HttpMessageHandler inner) => new Handler(this, inner);

        private sealed class Handler(LoseFirstAnswer owner, HttpMessageHandler inner) : DelegatingHandler(inner)
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var path = request.RequestUri!.AbsolutePath;
                var response = await base.SendAsync(request, cancellationToken);
                if (owner._paths.Contains(path) && owner._lost.TryAdd(path, 0))
                {
                    // A unary call's headers come with its answer, after the node has recorded the event.
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    response.Dispose();
                    owner._lost[path] = 1;
                    // As a connection reset after the request was served (gRPC: UNAVAILABLE).
                    throw new HttpRequestException("the answer was lost on the way (test)", new IOException("the connection was reset (test)"));
                }
                return response;
            }
        }
    }
}
