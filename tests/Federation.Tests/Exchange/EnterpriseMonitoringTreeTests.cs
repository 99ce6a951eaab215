using Federation.DataGen;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// Enterprise monitoring end to end: two cities import their samples and monthly reports with the
/// worker data through the interface program, seal, and the province pulls them; the province's
/// summary over its merged period is the sum of the cities' own summaries, city by city.
/// </summary>
public sealed class EnterpriseMonitoringTreeTests
{
    [Fact]
    public async Task Province_SummarisesItsCitiesSamples_FromItsMergedPeriod()
    {
        using var directory = new TempDirectory();
        var cities = new List<NodeProcess>();
        try
        {
            foreach (var (code, seed) in new[] { ("440100", 31), ("440300", 32) })
            {
                var export = Path.Combine(directory.Path, "export-" + code);
                ExportGenerator.Generate(new GeneratorOptions { CityCode = code, Persons = 200, Seed = seed, IdOffset = seed * 1000 }, export);
                EnterpriseGenerator.Generate(new EnterpriseOptions { CityCode = code, Enterprises = 80, Seed = seed, IdOffset = seed * 1000 }, export);
                var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-" + code, "city", code);
                await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", config, export, "--seal", Tree.Period]))
                {
                    Assert.Equal(0, await ingest.WaitForExitAsync(TimeSpan.FromMinutes(3)));
                }
                cities.Add(await NodeProcess.StartAsync(config, "city-" + code));
            }
            await using var province = await Tree.StartParentAsync(directory.Path, "province-440000", "province", "440000",
                ("city-440100", "440100", cities[0].Address), ("city-440300", "440300", cities[1].Address));
            using var client = Tree.Client(province);
            var operation = await Tree.ResyncAsync(client);
            Assert.Equal(["committed", "committed"], operation.Children.Select(c => c.State));

            var own = new List<Protocol.V1.EnterpriseSummary>();
            foreach (var city in cities)
            {
                using var cityClient = Tree.Client(city);
                own.Add(await cityClient.GetEnterpriseSummaryAsync("2026-10"));
            }
            var merged = await client.GetEnterpriseSummaryAsync("2026-10", Tree.Period);

            Assert.True(own.All(s => s.Total.Enterprises > 60), "each city reports for most of its 80 entries");
            Assert.Equal((own.Sum(s => s.Total.Enterprises), own.Sum(s => s.Total.Baseline), own.Sum(s => s.Total.Current), own.Sum(s => s.Total.PeopleReduced)),
                (merged.Total.Enterprises, merged.Total.Baseline, merged.Total.Current, merged.Total.PeopleReduced));
            Assert.Equal(["city-440100", "city-440300"], merged.ByCity.Select(g => g.Key));
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal((own[i].Total.Enterprises, own[i].Total.Baseline, own[i].Total.Current, own[i].Total.ChangePct),
                    (merged.ByCity[i].Enterprises, merged.ByCity[i].Baseline, merged.ByCity[i].Current, merged.ByCity[i].ChangePct));
            }
            Assert.Equal(own.SelectMany(s => s.EarlyWarnings).Select(w => w.CreditCode).Order(StringComparer.Ordinal),
                merged.EarlyWarnings.Select(w => w.CreditCode).Order(StringComparer.Ordinal));
            Assert.Contains(merged.EarlyWarnings, w => w.Industry == "C39" && w.ReductionType == "economic_layoff");
            Assert.Equal("440100 广州市", merged.ByCity[0].Label);

            // The calendar in status: each city delivered October; late or not by today's date.
            var status = await client.GetNodeStatusAsync();
            Assert.All(status.Children, child =>
            {
                Assert.Equal("2026-10", child.MonitoringReceivedMonth);
                Assert.Matches(@"^\d{4}-\d{2}$", child.MonitoringExpectedMonth);
                Assert.Equal(string.CompareOrdinal(child.MonitoringReceivedMonth, child.MonitoringExpectedMonth) < 0, child.MonitoringLate);
            });
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
