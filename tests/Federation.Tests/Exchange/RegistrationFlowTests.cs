using Federation.Client;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Testing;
using Grpc.Core;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// The registration service end to end on a real tree (ministry ← province ← two cities, each its
/// own process): an application submitted at the ministry reaches its city, is decided there and the
/// decision comes back; local registrations and exits reach the ministry the same day; R-18's one
/// registration per person holds across online and local, and across cities; and the ministry's count
/// equals the sum of the cities' across a city crash, a duplicated delivery and a late one, live and
/// in the sealed periods (docs/registration.md).
/// </summary>
public sealed class RegistrationFlowTests
{
    [Fact]
    public async Task Applications_GoDown_Decisions_And_Exits_ComeUp_OneRegistrationPerPerson()
    {
        await using var tree = await RegistrationTree.StartAsync("440100", "440300");
        var (guangzhou, shenzhen, province, ministry) = (tree.City("440100"), tree.City("440300"), tree.Province, tree.Ministry);
        using var national = Tree.Client(ministry);
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

        // An application at the national platform: pending, due in 3 working days, for Guangzhou.
        var worker = RegistrationTree.Citizen("440106", "19900101", "123");
        var submitted = await national.SubmitApplicationAsync(Application(worker, "陈晓明", "residence", "440106", "ref-1"));
        Assert.False(submitted.Duplicate);
        var application = submitted.Application;
        Assert.Equal(("pending", "440100"), (application.Status, application.CityDivision));
        Assert.Equal(WorkingCalendar.WeekdaysOnly.Deadline(today, 3).ToString("yyyy-MM-dd"), application.DecisionDue);
        Assert.Matches($"^A{today:yyyyMMdd}[0-9]{{8}}$", application.ApplicationId);
        // The platform retries the same submission: the same application, not a second one.
        var retried = await national.SubmitApplicationAsync(Application(worker, "陈晓明", "residence", "440106", "ref-1"));
        Assert.Equal((true, application.ApplicationId), (retried.Duplicate, retried.Application.ApplicationId));

        // It reaches Guangzhou (through the province), not Shenzhen.
        using (var gz = Tree.Client(guangzhou))
        {
            var atCity = await RegistrationTree.EventuallyAsync(async () => (await gz.ListApplicationsAsync(new ListApplicationsRequest())).Applications.SingleOrDefault(), "the application reaches Guangzhou");
            Assert.Equal((application.ApplicationId, "pending", application.DecisionDue), (atCity.ApplicationId, atCity.Status, atCity.DecisionDue));
            // Only the city decides.
            var atMinistry = await Assert.ThrowsAsync<FederationException>(() => national.DecideApplicationAsync(application.ApplicationId, accept: true));
            Assert.Equal(StatusCode.FailedPrecondition, atMinistry.StatusCode);

            var decided = (await gz.DecideApplicationAsync(application.ApplicationId, accept: true)).Application;
            Assert.Equal(("accepted", "WS" + application.ApplicationId[1..]), (decided.Status, decided.RegistrationId));
            Assert.Equal(WorkingCalendar.WeekdaysOnly.Deadline(today, 5).ToString("yyyy-MM-dd"), decided.ContactDue);
        }
        using var sz = Tree.Client(shenzhen);
        Assert.Empty((await sz.ListApplicationsAsync(new ListApplicationsRequest())).Applications);

        // The decision is back at the ministry the same day, with the registration it opened.
        var back = await RegistrationTree.EventuallyAsync(async () => (await national.ListApplicationsAsync(new ListApplicationsRequest { Status = "accepted" })).Applications.SingleOrDefault(),
            "the decision reaches the ministry");
        Assert.Equal("WS" + application.ApplicationId[1..], back.RegistrationId);
        await RegistrationTree.EventuallyAsync(async () => (await national.GetNodeStatusAsync()).Registration.ValidToday.GetValueOrDefault("city-440100") == 1 ? true : (bool?)null,
            "the registration counts at the ministry");

        // R-18 across cities: registered in Guangzhou, an application for Shenzhen is refused at once.
        var elsewhere = (await national.SubmitApplicationAsync(Application(worker, "陈晓明", "workplace", "440304", "ref-2"))).Application;
        Assert.Equal("refused", elsewhere.Status);
        Assert.Equal("already registered in 广州市 (R-18)", elsewhere.RefusalReason);

        using (var gz = Tree.Client(guangzhou))
        {
            // R-18 in the same city: the local office registers the same person — one registration, both sources.
            var local = await gz.RegisterLocallyAsync(new RegisterLocallyRequest
            {
                RegistrationId = "GZ-L-0001", CitizenId = worker, Category = "employment_to_unemployment", HandlingDivision = "440106",
            });
            Assert.True(local.Merged);
            Assert.Equal(("WS" + application.ApplicationId[1..], "online+local:GZ-L-0001"), (local.Registration.RegistrationId, local.Registration.Sources));

            // an exit only for a listed reason.
            var refused3 = await Assert.ThrowsAsync<FederationException>(() => gz.RecordExitAsync(local.Registration.RegistrationId, "连续3次拒绝接受公共就业服务"));
            Assert.Equal(StatusCode.InvalidArgument, refused3.StatusCode);
            Assert.Contains("refusing public employment services 3 times is not a reason", refused3.Message, StringComparison.Ordinal);
            var unreachable = await Assert.ThrowsAsync<FederationException>(() => gz.RecordExitAsync(local.Registration.RegistrationId, "unreachable"));
            Assert.Contains("unreachable for 6 months is not a reason", unreachable.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(worker, unreachable.Message, StringComparison.Ordinal);

            // Two more people registered locally in Guangzhou; one leaves for a job.
            await gz.RegisterLocallyAsync(new RegisterLocallyRequest { RegistrationId = "GZ-L-0002", CitizenId = RegistrationTree.Citizen("440103", "19850505", "222"), Category = "other", HandlingDivision = "440103" });
            await gz.RegisterLocallyAsync(new RegisterLocallyRequest { RegistrationId = "GZ-L-0003", CitizenId = RegistrationTree.Citizen("440104", "19950303", "331"), Category = "new_entrant", HandlingDivision = "440104" });
            var exited = await gz.RecordExitAsync("GZ-L-0003", "被用人单位录用");
            Assert.Equal((today.ToString("yyyy-MM-dd"), "employed"), (exited.Registration.CancelDate, exited.Registration.CancelReason));
        }

        // A city crash (killed, not stopped) and a restart: its feed resumes from the province's cursor.
        await tree.KillAsync("city-440100");
        guangzhou = await tree.RestartAsync("city-440100");
        using (var gz = Tree.Client(guangzhou))
        {
            await gz.RegisterLocallyAsync(new RegisterLocallyRequest { RegistrationId = "GZ-L-0004", CitizenId = RegistrationTree.Citizen("440105", "19800808", "441"), Category = "other", HandlingDivision = "440105" });
        }

        // A late delivery: Shenzhen is down while an application for it arrives, and catches up when back.
        await tree.KillAsync("city-440300");
        var late = (await national.SubmitApplicationAsync(Application(RegistrationTree.Citizen("440304", "19920202", "552"), "李娜", "household", "440304", "ref-3"))).Application;
        Assert.Equal(("pending", "440300"), (late.Status, late.CityDivision));
        shenzhen = await tree.RestartAsync("city-440300");
        using (var szAgain = Tree.Client(shenzhen))
        {
            var arrived = await RegistrationTree.EventuallyAsync(async () => (await szAgain.ListApplicationsAsync(new ListApplicationsRequest())).Applications.SingleOrDefault(), "Shenzhen catches up");
            Assert.Equal(late.ApplicationId, arrived.ApplicationId);
            await szAgain.DecideApplicationAsync(late.ApplicationId, accept: false, "no_capacity");
        }

        // Live: the ministry counts exactly what the cities count: Guangzhou 3 valid (the merged one, 0002, 0004), Shenzhen 0.
        var ministryCounts = await RegistrationTree.EventuallyAsync(async () =>
        {
            var status = (await national.GetNodeStatusAsync()).Registration;
            var refusedBack = (await national.ListApplicationsAsync(new ListApplicationsRequest { Status = "refused", CityDivision = "440300" })).Applications.Count;
            return status.ValidToday.GetValueOrDefault("city-440100") == 3 && refusedBack == 2 ? status : null; // refused at the ministry, and by Shenzhen
        }, "every change reaches the ministry");
        using (var gz = Tree.Client(guangzhou))
        {
            var cityStatus = (await gz.GetNodeStatusAsync()).Registration;
            Assert.Equal(cityStatus.ValidToday.OrderBy(p => p.Key), ministryCounts.ValidToday.OrderBy(p => p.Key));
            Assert.Equal(6, cityStatus.FeedHead); // accepted, merged, 0002, 0003, its exit, 0004
        }

        // A duplicated delivery: the province forgets its cursor in Guangzhou's feed and receives the
        // whole feed again; nothing is applied twice, nothing moves at the ministry.
        var ministryHead = (await national.GetNodeStatusAsync()).Registration.FeedHead;
        await tree.KillAsync(tree.ProvinceId);
        using (var journal = tree.OpenJournal(tree.ProvinceId))
        {
            Assert.Equal(6, journal.ChildCursor("city-440100").Seq);
        }
        await tree.RewindCursorAsync(tree.ProvinceId, "child:city-440100");
        // (The cursor goes back to 0 of the same epoch: a replay, not a replaced journal.)
        province = await tree.RestartAsync(tree.ProvinceId);
        using (var provinceClient = Tree.Client(province))
        {
            await RegistrationTree.EventuallyAsync(async () => (await provinceClient.GetNodeStatusAsync()).Registration.Links.Single(l => l.ChildId == "city-440100").ChangesCursor == 6 ? true : (bool?)null,
                "the province re-reads Guangzhou's feed");
            Assert.Equal(6 + 1, (await provinceClient.GetNodeStatusAsync()).Registration.FeedHead); // Guangzhou's 6 and Shenzhen's refusal, once each
        }
        Assert.Equal(ministryHead, (await national.GetNodeStatusAsync()).Registration.FeedHead);
        Assert.Equal(3, (await national.GetNodeStatusAsync()).Registration.ValidToday["city-440100"]);

        // Sealed: each city seals today, the province and the ministry merge; the feed agrees with
        // every sealed period, and the ministry's registered unemployed are the sum of the cities'.
        var period = today.ToString("yyyy-MM-dd");
        foreach (var city in new[] { guangzhou, shenzhen })
        {
            await using var seal = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "seal", "--config", city.ConfigPath, "--as-of", period]);
            Assert.Equal(0, await seal.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }
        using (var provinceClient = Tree.Client(province))
        {
            Assert.All((await Tree.ResyncAsync(provinceClient)).Children, c => Assert.Equal("committed", c.State));
        }
        Assert.Equal("committed", Assert.Single((await Tree.ResyncAsync(national)).Children).State);
        var check = await national.CheckFeedAsync(period);
        Assert.True(check.Agree, string.Join("; ", check.Differences));
        Assert.Equal((4, check.FeedDigest), (check.Registrations, check.SnapshotDigest));
        long citiesSum = 0;
        foreach (var city in new[] { guangzhou, shenzhen })
        {
            using var client = Tree.Client(city);
            var cityCheck = await client.CheckFeedAsync(period);
            Assert.True(cityCheck.Agree, string.Join("; ", cityCheck.Differences));
            citiesSum += (await client.GetIndicatorsAsync(period: period, from: period)).RegisteredUnemployed;
        }
        Assert.Equal(3, citiesSum);
        Assert.Equal(citiesSum, (await national.GetIndicatorsAsync(period: period, from: period)).RegisteredUnemployed);

        // A sealed period never changes: an exit dated into it is refused.
        using (var gz = Tree.Client(guangzhou))
        {
            var intoSealed = await Assert.ThrowsAsync<FederationException>(() => gz.RecordExitAsync("GZ-L-0002", "pension", period));
            Assert.Contains("already sealed", intoSealed.Message, StringComparison.Ordinal);
        }

        // The same through fedctl, as an operator or a local office would use it.
        var (checkExit, checkOutput) = await Fedctl.FedctlProcess.RunAsync(ministry, "registration", "check", "--period", period);
        Assert.True(checkExit == 0, checkOutput);
        Assert.Contains($"The feed agrees with period {period}: 4 registration(s)", checkOutput, StringComparison.Ordinal);
        var (forbiddenExit, forbiddenOutput) = await Fedctl.FedctlProcess.RunAsync(guangzhou, "registration", "exit", "GZ-L-0002", "--reason", "连续6个月无法取得联系");
        Assert.Equal(1, forbiddenExit);
        Assert.Contains("being unreachable for 6 months is not a reason to cancel a registration (R-17)", forbiddenOutput, StringComparison.Ordinal);
        var (listExit, listOutput) = await Fedctl.FedctlProcess.RunAsync(ministry, "registration", "applications", "--city", "440300", "--status", "refused");
        Assert.True(listExit == 0, listOutput);
        Assert.Contains(late.ApplicationId, listOutput, StringComparison.Ordinal);
        Assert.Contains("无劳动能力", listOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(late.CitizenId, listOutput, StringComparison.Ordinal); // masked
        var (statusExit, statusOutput) = await Fedctl.FedctlProcess.RunAsync(ministry, "status", "--json");
        Assert.True(statusExit == 0, statusOutput);
        using var statusJson = System.Text.Json.JsonDocument.Parse(statusOutput);
        var shown = statusJson.RootElement.GetProperty("node").GetProperty("registration");
        Assert.Equal("3", shown.GetProperty("validToday").GetProperty("city-440100").ToString());
        var link = Assert.Single(shown.GetProperty("links").EnumerateArray());
        Assert.Equal(("province-440000", true, true), (link.GetProperty("childId").GetString(), link.GetProperty("changesConnected").GetBoolean(), link.GetProperty("applicationsConnected").GetBoolean()));
        Assert.True(shown.GetProperty("feedCheck").GetProperty("agree").GetBoolean());
    }

    private static SubmitApplicationRequest Application(string citizen, string name, string placeType, string place, string reference) => new()
    {
        CitizenId = citizen, Name = name, PlaceType = placeType, PlaceDivision = place, Category = "employment_to_unemployment", PlatformReference = reference,
    };
}
