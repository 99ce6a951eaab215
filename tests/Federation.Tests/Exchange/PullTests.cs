using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Federation.DataGen;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>A province pulls a city's sealed snapshot over gRPC streaming, as real processes.</summary>
public sealed partial class PullTests
{
    [Fact]
    public async Task Province_PullsCitySnapshot_SameDigest_ThenUpToDate_ThenStaleWhenCityDown()
    {
        // Arrange: a city with a sealed period, and its province
        using var directory = new TempDirectory();
        var export = Path.Combine(directory.Path, "export");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 3000, Seed = 9, DefectRate = 0.01 }, export);
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        var sealOutput = await RunAsync(0, NodeProcess.NodeDll, "ingest", "--config", cityConfig, export, "--seal", "2026-10-31");
        var cityDigest = DigestPattern().Match(sealOutput).Groups[1].Value;
        await using var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        var provinceConfig = await NodeProcess.WriteConfigAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = city.Address.ToString() }),
        });

        // Act + Assert: the first pull receives the snapshot with the city's digest
        var first = await RunAsync(0, NodeProcess.NodeDll, "pull", "--config", provinceConfig);
        Assert.Contains($"city-440100: period 2026-10-31 received", first, StringComparison.Ordinal);
        Assert.Contains($"digest {cityDigest}", first, StringComparison.Ordinal);

        // The city's staged data changes after sealing: the sealed period does not, anywhere.
        var changed = Path.Combine(directory.Path, "changed");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 50, Seed = 99, IdOffset = 7 }, changed);
        await RunAsync(0, NodeProcess.NodeDll, "ingest", "--config", cityConfig, changed);
        var second = await RunAsync(0, NodeProcess.NodeDll, "pull", "--config", provinceConfig);
        Assert.Contains($"city-440100: period 2026-10-31 already received (digest {cityDigest})", second, StringComparison.Ordinal);

        // The city goes down: the pull fails and says why; what was received stays.
        await city.DisposeAsync();
        var third = await RunAsync(1, NodeProcess.NodeDll, "pull", "--config", provinceConfig);
        Assert.Contains("city-440100: pull failed — Unavailable", third, StringComparison.Ordinal);

        // The province's status shows the link: the last good period, and stale with the error.
        await using var province = await NodeProcess.StartAsync(provinceConfig, "province-440000");
        using var channel = province.Channel();
        var status = await new Protocol.V1.Admin.AdminClient(channel).GetNodeStatusAsync(new Protocol.V1.GetNodeStatusRequest()).ResponseAsync.DefaultTimeout();
        var link = Assert.Single(status.Children);
        Assert.Equal(("2026-10-31", cityDigest, true, false), (link.Period, link.Digest, link.Stale, link.NeverPulled));
        Assert.True(link.Records > 0);
        Assert.StartsWith("Unavailable", link.LastError, StringComparison.Ordinal);
        var fedctl = await RunAsync(0, [RepoPaths.ProjectOutput("src/Fedctl", "fedctl.dll"), "status", .. province.FedctlArgs()]);
        Assert.Contains("STALE: Unavailable", fedctl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_WrongNodeAtTheChildsAddress_IsRefused()
    {
        using var directory = new TempDirectory();
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440300", "city", "440300");
        await RunAsync(0, NodeProcess.NodeDll, "seal", "--config", cityConfig, "--as-of", "2026-10-31");
        await using var city = await NodeProcess.StartAsync(cityConfig, "city-440300");
        var provinceConfig = await NodeProcess.WriteConfigAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = city.Address.ToString() }),
        });

        var output = await RunAsync(1, NodeProcess.NodeDll, "pull", "--config", provinceConfig);

        // The handshake itself fails: the certificate at that address names another node.
        Assert.Contains("presented a certificate naming node city-440300, not city-440100; refused", output, StringComparison.Ordinal);
    }

    private static async Task<string> RunAsync(int expectedExitCode, params string[] arguments)
    {
        await using var process = ExternalProcess.Start("dotnet", arguments);
        var exitCode = await process.WaitForExitAsync();
        Assert.True(exitCode == expectedExitCode, $"{string.Join(' ', arguments)} exited {exitCode}, expected {expectedExitCode}:\n{process.Output}");
        return process.Output;
    }

    [GeneratedRegex("digest ([0-9a-f]{64})")]
    private static partial Regex DigestPattern();
}
