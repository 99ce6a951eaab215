using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>An operator triggers a resync with fedctl and follows it to completion.</summary>
public sealed class ResyncTests
{
    private static string FedctlDll => Fedctl.FedctlProcess.Dll;

    [Fact]
    public async Task FedctlResyncWait_PullsTheChild_ThenFindsItCurrent_UnknownChildRefused()
    {
        // Arrange: a city with a sealed period; a province that does not pull on its own
        using var directory = new TempDirectory();
        var export = Path.Combine(directory.Path, "export");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 800, Seed = 4 }, export);
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", cityConfig, export, "--seal", "2026-10-31"]))
        {
            Assert.Equal(0, await ingest.WaitForExitAsync());
        }
        await using var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        await using var province = await NodeProcess.StartAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = city.Address.ToString() }),
            ["Exchange"] = new JsonObject { ["Enabled"] = false },
        });

        // Act + Assert: the first resync commits the city's period
        var first = await FedctlAsync(0, ["resync", "--wait", "--json", .. province.FedctlArgs()]);
        using (var json = JsonDocument.Parse(first[first.IndexOf('{', StringComparison.Ordinal)..]))
        {
            Assert.Equal("OPERATION_STATE_SUCCEEDED", json.RootElement.GetProperty("state").GetString());
            var child = json.RootElement.GetProperty("children")[0];
            Assert.Equal(("city-440100", "committed", "2026-10-31"), (child.GetProperty("childId").GetString(), child.GetProperty("state").GetString(), child.GetProperty("period").GetString()));
            Assert.True(long.Parse(child.GetProperty("records").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        }

        // A second resync finds the period already received.
        var second = await FedctlAsync(0, ["resync", "--wait", "--child", "city-440100", .. province.FedctlArgs()]);
        Assert.Contains("city-440100: nothing new, period 2026-10-31 already received", second, StringComparison.Ordinal);
        Assert.DoesNotContain("0 records", second, StringComparison.Ordinal);

        // An operation started without --wait is followed later by its id.
        var started = await FedctlAsync(0, ["resync", "--child", "city-440100", "--json", .. province.FedctlArgs()]);
        string id;
        using (var json = JsonDocument.Parse(started[started.IndexOf('{', StringComparison.Ordinal)..]))
        {
            id = json.RootElement.GetProperty("id").GetString()!;
        }
        var followed = await FedctlAsync(0, ["resync", "--follow", id, .. province.FedctlArgs()]);
        Assert.Contains("city-440100: nothing new, period 2026-10-31 already received", followed, StringComparison.Ordinal);
        var both = await FedctlAsync(2, ["resync", "--follow", id, "--child", "city-440100", .. province.FedctlArgs()]);
        Assert.Contains("--follow follows an operation already started", both, StringComparison.Ordinal);

        // An unknown child is refused with the list of children.
        var refused = await FedctlAsync(1, ["resync", "--child", "city-999999", .. province.FedctlArgs()]);
        Assert.Contains("child_id 'city-999999' is not a child of province-440000; children: city-440100", refused, StringComparison.Ordinal);
    }

    private static async Task<string> FedctlAsync(int expectedExitCode, string[] arguments)
    {
        await using var process = ExternalProcess.Start("dotnet", [FedctlDll, .. arguments]);
        var exitCode = await process.WaitForExitAsync();
        Assert.True(exitCode == expectedExitCode, $"fedctl {string.Join(' ', arguments)} exited {exitCode}, expected {expectedExitCode}:\n{process.Output}");
        return process.Output;
    }
}
