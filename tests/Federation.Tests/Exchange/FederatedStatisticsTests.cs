using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>A province's indicators: the roll-up over its children's snapshots, and each child's figures.</summary>
public sealed class FederatedStatisticsTests
{
    [Fact]
    public async Task Province_RollsUpItsCities_AndFlagsAChildNeverReceived()
    {
        // Arrange: two cities with sealed periods (disjoint people), a third child that does not exist
        using var directory = new TempDirectory();
        var cities = new List<NodeProcess>();
        try
        {
            foreach (var (code, seed) in new[] { ("440100", 21), ("440300", 22) })
            {
                var export = Path.Combine(directory.Path, "export-" + code);
                ExportGenerator.Generate(new GeneratorOptions { CityCode = code, Persons = 700, Seed = seed, IdOffset = seed }, export);
                var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-" + code, "city", code);
                await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", config, export, "--seal", "2026-10-31"]))
                {
                    Assert.Equal(0, await ingest.WaitForExitAsync());
                }
                cities.Add(await NodeProcess.StartAsync(config, "city-" + code));
            }
            var children = new JsonArray(
                new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = cities[0].Address.ToString() },
                new JsonObject { ["Id"] = "city-440300", ["DivisionCode"] = "440300", ["Address"] = cities[1].Address.ToString() },
                new JsonObject { ["Id"] = "city-440200", ["DivisionCode"] = "440200", ["Address"] = "http://127.0.0.1:1" });
            await using var province = await NodeProcess.StartAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
            {
                ["Children"] = children,
                ["Exchange"] = new JsonObject { ["Enabled"] = false },
            });
            using var client = Tree.Client(province);
            var operation = await Tree.ResyncAsync(client);
            Assert.Equal(["committed", "committed", "failed"], operation.Children.Select(c => c.State));

            // Act
            var rollup = await client.GetIndicatorsAsync(period: "2026-10-31", from: "2026-01-01");
            var own = new List<Indicators>();
            foreach (var city in cities)
            {
                using var cityClient = Tree.Client(city);
                own.Add(await cityClient.GetIndicatorsAsync(period: "2026-10-31", from: "2026-01-01"));
            }

            // Assert: the union of disjoint cities sums; each child's figures are its own; the third is missing
            Assert.Equal(own.Sum(i => i.NewUrbanEmployment), rollup.NewUrbanEmployment);
            Assert.Equal(own.Sum(i => i.RegisteredUnemployed), rollup.RegisteredUnemployed);
            Assert.True(rollup.NewUrbanEmployment > 0);
            for (var i = 0; i < 2; i++)
            {
                var child = rollup.Children[i];
                Assert.Equal((own[i].NewUrbanEmployment, own[i].ReemployedUnemployed, own[i].HardToEmployEmployed, own[i].RegisteredUnemployed, own[i].ManifestDigest),
                    (child.NewUrbanEmployment, child.ReemployedUnemployed, child.HardToEmployEmployed, child.RegisteredUnemployed, child.Digest));
                // the child's own report, asked live, agrees with its snapshot.
                Assert.Equal((own[i].NewUrbanEmployment, own[i].RegisteredUnemployed, own[i].ManifestDigest),
                    (child.Reported.NewUrbanEmployment, child.Reported.RegisteredUnemployed, child.Reported.Digest));
                Assert.Empty(child.Deviations);
                Assert.Equal("", child.ReportedError);
            }
            Assert.True(rollup.Children[2].Missing);
            Assert.Null(rollup.Children[2].Reported);

            // A city that stops answering: its snapshot figures stay, its report cannot be checked.
            await cities[1].DisposeAsync();
            var withoutReport = (await client.GetIndicatorsAsync(period: "2026-10-31", from: "2026-01-01")).Children[1];
            Assert.Equal(own[1].NewUrbanEmployment, withoutReport.NewUrbanEmployment);
            Assert.StartsWith("Unavailable", withoutReport.ReportedError, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var city in cities)
            {
                await city.DisposeAsync();
            }
        }
    }
}
