using System.Text.Json.Nodes;
using Federation.Protocol.V1;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>A running province pulls its city on its own, and shows the city stale when it goes down.</summary>
public sealed class SchedulerTests
{
    [Fact]
    public async Task RunningProvince_PullsItsCity_ThenMarksItStaleWhenDown()
    {
        // Arrange: a city with a sealed (empty) period, and a province that checks every second
        using var directory = new TempDirectory();
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        await using (var seal = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "seal", "--config", cityConfig, "--as-of", "2026-10-31"]))
        {
            Assert.Equal(0, await seal.WaitForExitAsync());
        }
        var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        await using var province = await NodeProcess.StartAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = city.Address.ToString() }),
            ["Exchange"] = new JsonObject { ["PullEvery"] = "00:00:01", ["RetryInitial"] = "00:00:00.200", ["RetryMax"] = "00:00:01" },
        });
        using var channel = province.Channel();
        var admin = new Admin.AdminClient(channel);

        // Act + Assert: the province pulls without being asked
        var pulled = await WaitForAsync(admin, link => link.Period == "2026-10-31" && !link.Stale, "the city's period pulled");
        Assert.Equal(64, pulled.Digest.Length);

        // The city goes down: the link turns stale, with the reason, and keeps the last good period.
        await city.DisposeAsync();
        var stale = await WaitForAsync(admin, link => link.Stale, "the city marked stale");
        Assert.Equal("2026-10-31", stale.Period);
        Assert.StartsWith("Unavailable", stale.LastError, StringComparison.Ordinal);
    }

    // Bounded polling of a real daemon's status: the daemon's own clock drives the pulls.
    private static Task<ChildNode> WaitForAsync(Admin.AdminClient admin, Func<ChildNode, bool> condition, string what) =>
        Poll.UntilAsync(async () => (await admin.GetNodeStatusAsync(new GetNodeStatusRequest()).ResponseAsync.DefaultTimeout()).Children.Single(),
            condition, TimeSpan.FromSeconds(30), what, TimeSpan.FromMilliseconds(200));
}
