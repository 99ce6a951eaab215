using Federation.Client;
using Federation.Protocol.V1;
using Federation.Testing;
using Grpc.Core;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// R-18 at the moment of entry, on a real tree (ministry ← province ← 广州 and 东莞, each its own
/// process; docs/registration.md "One registration per person"): a person registered in 广州 is
/// refused at 东莞's office naming 广州, and at the ministry for an online application; after the
/// exit in 广州, 东莞 accepts; with the province killed both cities are cut off — what their index
/// knew still refuses, a new person is accepted provisionally in both, and once the province is
/// back the ministry flags the double registration; the ministry counts the cities' sum, which is
/// the number of distinct people plus the flagged doubles.
/// </summary>
public sealed class RegistrationAtEntryTests
{
    [Fact]
    public async Task ASecondCitysEntry_IsRefusedNamingTheFirst_UntilTheExit_AndCutOffItIsProvisionalAndFlagged()
    {
        using var directory = new TempDirectory();
        var guangzhou = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        var dongguan = await NodeProcess.StartAsync(directory.Path, "city-441900", "city", "441900");
        NodeProcess? province = null;
        NodeProcess? ministry = null;
        try
        {
            province = await Tree.StartParentAsync(directory.Path, "province-440000", "province", "440000",
                ("city-440100", "440100", guangzhou.Address), ("city-441900", "441900", dongguan.Address));
            ministry = await Tree.StartParentAsync(directory.Path, "ministry", "ministry", "000000", ("province-440000", "440000", province.Address));
            using var national = Tree.Client(ministry);
            using var gz = Tree.Client(guangzhou);
            using var dg = Tree.Client(dongguan);
            await Tree.EventuallyAsync(async () => (await national.GetNodeStatusAsync()).Registration.Links.SingleOrDefault()?.ApplicationsConnected == true
                && (await gz.GetNodeStatusAsync()).Registration.ParentConnected && (await dg.GetNodeStatusAsync()).Registration.ParentConnected,
                "every applications stream opens");

            // 1. Registered at 广州's office; 东莞's office refuses the same person, naming 广州.
            var person = RegistrationTree.Citizen("440106", "19900101", "123");
            var first = await gz.RegisterLocallyAsync(Local("GZ-L-1", person, "440106"));
            Assert.False(first.Provisional);
            await Tree.EventuallyAsync(async () => (await dg.GetNodeStatusAsync()).Registration.IndexPeople == 1, "the index reaches Dongguan");
            var refused = await Assert.ThrowsAsync<FederationException>(() => dg.RegisterLocallyAsync(Local("DG-L-1", person, "441900")));
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains("already registered in 广州市 (R-18)", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(person, refused.Message, StringComparison.Ordinal);
            // The ministry refuses an online application by the same index, in the same words.
            var online = (await national.SubmitApplicationAsync(new SubmitApplicationRequest
            {
                CitizenId = person, Name = "陈晓明", PlaceType = "residence", PlaceDivision = "441900", Category = "other", PlatformReference = "NP-1",
            })).Application;
            Assert.Equal(("refused", "already registered in 广州市 (R-18)"), (online.Status, online.RefusalReason));

            // 2. The exit in 广州 frees the person: 东莞 accepts, and 广州 now refuses, naming 东莞.
            await gz.RecordExitAsync("GZ-L-1", "被用人单位录用");
            await Tree.EventuallyAsync(async () => (await dg.GetNodeStatusAsync()).Registration.IndexPeople == 0, "the exit reaches Dongguan's index");
            var moved = await dg.RegisterLocallyAsync(Local("DG-L-1", person, "441900"));
            Assert.Equal((false, false), (moved.Merged, moved.Provisional));
            var other = RegistrationTree.Citizen("440103", "19850505", "331");
            var third = RegistrationTree.Citizen("441900", "19950303", "441");
            await gz.RegisterLocallyAsync(Local("GZ-L-2", other, "440103"));
            await dg.RegisterLocallyAsync(Local("DG-L-2", third, "441900"));
            await Tree.EventuallyAsync(async () => (await gz.GetNodeStatusAsync()).Registration.IndexPeople == 2, "Dongguan's registrations reach Guangzhou's index");
            Assert.Contains("already registered in 东莞市 (R-18)",
                (await Assert.ThrowsAsync<FederationException>(() => gz.RegisterLocallyAsync(Local("GZ-L-3", person, "440106")))).Message, StringComparison.Ordinal);
            // Three people, each counted once: the ministry's count is the cities' sum.
            await AssertCountsAsync(national, [gz, dg], people: 3, flagged: 0);

            // 3. The province is killed: both cities are cut off. What 广州's index knew still refuses
            // (kept on disk); a person neither index knows is accepted in both — provisionally.
            await province.DisposeAsync();
            await Tree.EventuallyAsync(async () => !(await gz.GetNodeStatusAsync()).Registration.ParentConnected && !(await dg.GetNodeStatusAsync()).Registration.ParentConnected,
                "the cities see their parent gone");
            Assert.Contains("already registered in 东莞市 (R-18)",
                (await Assert.ThrowsAsync<FederationException>(() => gz.RegisterLocallyAsync(Local("GZ-L-3", person, "440106")))).Message, StringComparison.Ordinal);
            var twice = RegistrationTree.Citizen("440104", "19880808", "552");
            Assert.True((await gz.RegisterLocallyAsync(Local("GZ-L-4", twice, "440104"))).Provisional);
            Assert.True((await dg.RegisterLocallyAsync(Local("DG-L-4", twice, "441900"))).Provisional);

            // 4. The province is back: the feed brings both, and the ministry flags the person the same day.
            province = await province.RestartAsync("province-440000");
            var flagged = await Tree.EventuallyAsync(async () => (await national.GetNodeStatusAsync()).Registration.DoubleRegistrations.SingleOrDefault(),
                "the ministry flags the double registration");
            Assert.Equal(["city-440100/GZ-L-4", "city-441900/DG-L-4"], flagged.Registrations);
            Assert.Equal(["440100", "441900"], flagged.CityDivisions);
            await AssertCountsAsync(national, [gz, dg], people: 4, flagged: 1);
        }
        finally
        {
            foreach (var node in new[] { ministry, province, guangzhou, dongguan })
            {
                if (node is not null)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    // The ministry's valid registrations today are the cities' sum, and that is the number of
    // distinct people registered plus one for each person flagged as registered twice.
    private static async Task AssertCountsAsync(FederationClient national, FederationClient[] cities, int people, int flagged)
    {
        var atCities = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var city in cities)
        {
            foreach (var (origin, count) in (await city.GetNodeStatusAsync()).Registration.ValidToday)
            {
                atCities[origin] = count;
            }
        }
        var status = await Tree.EventuallyAsync(async () =>
        {
            var registration = (await national.GetNodeStatusAsync()).Registration;
            return registration.ValidToday.OrderBy(p => p.Key).SequenceEqual(atCities.OrderBy(p => p.Key)) ? registration : null;
        }, "the ministry counts what the cities count");
        Assert.Equal(people + flagged, status.ValidToday.Values.Sum());
        Assert.Equal(flagged, status.DoubleRegistrations.Count);
    }

    private static RegisterLocallyRequest Local(string id, string citizen, string division) =>
        new() { RegistrationId = id, CitizenId = citizen, Category = "other", HandlingDivision = division };
}
