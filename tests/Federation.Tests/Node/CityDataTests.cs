using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Grpc.Core;
using Xunit;

namespace Federation.Tests.Node;

/// <summary>
/// A city node end to end, as processes: import a generated export with defects, seal a period,
/// serve indicators from it, and report the same digest after a restart and after backup/restore.
/// </summary>
public sealed class CityDataTests
{
    [Fact]
    public async Task City_ImportsSealsAndServesIndicators_DigestSurvivesRestartAndRestore()
    {
        // Arrange: an export of 2,000 persons with 2 % defective rows
        using var directory = new TempDirectory();
        var export = Path.Combine(directory.Path, "export");
        var summary = ExportGenerator.Generate(new GeneratorOptions { CityCode = "440300", Persons = 2000, Seed = 11, DefectRate = 0.02 }, export);
        // The monthly backup is due at the very start of the month, so it is always due by now.
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440300", "city", "440300",
            new System.Text.Json.Nodes.JsonObject { ["Backup"] = new System.Text.Json.Nodes.JsonObject { ["At"] = "00:00" } });

        // Act: the node-side import command, sealing the period
        await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", config, export, "--seal", "2026-10-31",
                         "--rejects", directory.File("rejects.csv")]))
        {
            Assert.Equal(0, await ingest.WaitForExitAsync());
            Assert.Contains("Sealed period 2026-10-31", ingest.Output, StringComparison.Ordinal);
        }
        Assert.Equal(summary.Defects, File.ReadAllLines(directory.File("rejects.csv")).Skip(1).Select(l => l.Split(',')[0] + l.Split(',')[1]).Distinct().Count());

        Indicators first;
        await using (var node = await NodeProcess.StartAsync(config, "city-440300"))
        {
            first = await GetIndicatorsAsync(node, new GetIndicatorsRequest { Period = "2026-10-31", From = "2026-01-01", EmployedTotal = 1_000_000 });
            var notSealed = await Assert.ThrowsAsync<RpcException>(() => GetIndicatorsAsync(node, new GetIndicatorsRequest { Period = "2026-09-30" }));
            Assert.Equal(StatusCode.NotFound, notSealed.StatusCode);
            Assert.Contains("sealed periods: 2026-10-31", notSealed.Status.Detail, StringComparison.Ordinal);
            var outside = await Assert.ThrowsAsync<RpcException>(() => GetIndicatorsAsync(node, new GetIndicatorsRequest { Division = "440106" }));
            Assert.Equal(StatusCode.InvalidArgument, outside.StatusCode);
        }

        // Assert: plausible figures, and the same digest after a restart …
        Assert.Equal(64, first.ManifestDigest.Length);
        Assert.InRange(first.NewUrbanEmployment, 1, 2000);
        Assert.InRange(first.RegisteredUnemployed, 1, 2000);
        Assert.NotEmpty(first.RegisteredUnemploymentRate);
        await using (var restarted = await NodeProcess.StartAsync(config, "city-440300"))
        {
            var again = await GetIndicatorsAsync(restarted, new GetIndicatorsRequest { Period = "2026-10-31", From = "2026-01-01", EmployedTotal = 1_000_000 });
            Assert.Equal(first, again);
        }

        // R-5: the running node wrote this month's fixed backup itself (catching up: its time has
        // passed), verified, with its report; the restore drill passes on it and changes nothing.
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var monthly = Path.Combine(directory.Path, "data", "backups", $"city-440300-{month}");
        await Poll.UntilAsync(() => File.Exists(monthly + ".json"), TimeSpan.FromSeconds(30), $"the monthly backup report {monthly}.json");
        Assert.Contains("\"Period\": \"2026-10-31\"", await File.ReadAllTextAsync(monthly + ".json"), StringComparison.Ordinal);
        await using (var drill = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "restore", "--verify", "--config", config, monthly + ".db"]))
        {
            Assert.True(await drill.WaitForExitAsync() == 0, drill.Output);
            Assert.Contains("Restore drill passed", drill.Output, StringComparison.Ordinal);
            Assert.Matches(@"sealed +2026-10-31  ok  [0-9a-f]{64}", drill.Output);
        }

        // … and after a backup is restored over a lost database.
        await RunAsync(NodeProcess.NodeDll, "backup", "--config", config, directory.File("backup.db"));
        File.Delete(Path.Combine(directory.Path, "data", "city-440300.db"));
        await RunAsync(NodeProcess.NodeDll, "restore", "--config", config, directory.File("backup.db"));
        await using var restored = await NodeProcess.StartAsync(config, "city-440300");
        Assert.Equal(first, await GetIndicatorsAsync(restored, new GetIndicatorsRequest { Period = "2026-10-31", From = "2026-01-01", EmployedTotal = 1_000_000 }));
    }

    private static async Task<Indicators> GetIndicatorsAsync(NodeProcess node, GetIndicatorsRequest request)
    {
        using var channel = node.Channel();
        return await new Statistics.StatisticsClient(channel).GetIndicatorsAsync(request, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync.DefaultTimeout();
    }

    private static async Task RunAsync(params string[] arguments)
    {
        await using var process = ExternalProcess.Start("dotnet", arguments);
        var exitCode = await process.WaitForExitAsync();
        Assert.True(exitCode == 0, $"{string.Join(' ', arguments)} failed ({exitCode}):\n{process.Output}");
    }
}
