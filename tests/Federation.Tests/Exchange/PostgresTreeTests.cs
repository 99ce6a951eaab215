using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Shared;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// A province and a ministry whose stores are on PostgreSQL (a real throwaway cluster), pulling
/// SQLite cities: the province first runs on SQLite, then on PostgreSQL from an empty database, and
/// both seal the same merged period — the same digest, the same findings — and answer statistics
/// and verification alike; the ministry on PostgreSQL merges the province's snapshot and answers a
/// verification routed down the tree, then from its cache when the city is gone.
/// Runs alone (its own collection, not in parallel): a database server and five nodes at once
/// would slow the timing-sensitive tree tests beside it on a 2-core machine.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class PostgresTreeTests
{
    [Fact]
    public async Task ParentsOnPostgres_SealTheSameMergedPeriodAsOnSqlite_AndServeTheTree()
    {
        using var directory = new TempDirectory();
        using var postgres = PostgresCluster.Start();
        var exports = new Dictionary<string, string>();
        foreach (var (code, seed) in new[] { ("440100", 51), ("440300", 52) })
        {
            exports[code] = Path.Combine(directory.Path, "export-" + code);
            ExportGenerator.Generate(new GeneratorOptions { CityCode = code, Persons = 300, Seed = seed, IdOffset = seed * 1000 }, exports[code]);
        }
        var moved = CrossRegion.AddMovedWorkers(exports["440100"], exports["440300"], "440300", 2);
        var cities = new List<NodeProcess>();
        try
        {
            foreach (var code in exports.Keys)
            {
                var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-" + code, "city", code);
                await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", config, exports[code], "--seal", Tree.Period]))
                {
                    Assert.True(await ingest.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, ingest.Output);
                }
                cities.Add(await NodeProcess.StartAsync(config, "city-" + code));
            }
            (string, string, Uri)[] children = [("city-440100", "440100", cities[0].Address), ("city-440300", "440300", cities[1].Address)];
            var certificate = ExportFiles.ReadRows(exports["440100"], "certificates").First(c => c["cancel_date"].Length == 0 && c["valid"] == "1")["certificate_number"];

            // The province on SQLite: the reference.
            SealedPeriod onSqlite;
            Indicators sqliteFigures;
            IReadOnlyList<Finding> sqliteFindings;
            await using (var province = await Tree.StartParentAsync(directory.Path, "province-440000", "province", "440000", children))
            {
                using var client = Tree.Client(province);
                Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(client)).State);
                onSqlite = (await client.GetNodeStatusAsync()).LatestSealed;
                sqliteFigures = await client.GetIndicatorsAsync(Tree.Period, "2026-01-01", employedTotal: 1_000_000);
                sqliteFindings = (await client.ListFindingsAsync()).Findings;
            }

            // The same province on PostgreSQL, from an empty database.
            var provinceConfig = Path.Combine(directory.Path, "province-440000.json");
            await NodeProcess.EditConfigAsync(provinceConfig, config =>
                config["Store"] = new JsonObject { ["Provider"] = "postgresql", ["ConnectionString"] = postgres.Database("province") });
            await using var provinceOnPostgres = await NodeProcess.StartAsync(provinceConfig, "province-440000");
            using var provinceClient = Tree.Client(provinceOnPostgres);
            Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(provinceClient)).State);
            var onPostgres = (await provinceClient.GetNodeStatusAsync()).LatestSealed;
            Assert.Equal((onSqlite.Period, onSqlite.Digest, onSqlite.Records, onSqlite.Findings), (onPostgres.Period, onPostgres.Digest, onPostgres.Records, onPostgres.Findings));
            Assert.Equal(2, onPostgres.Findings);
            Assert.Equal(sqliteFindings.Select(f => (f.Kind, f.Subject, string.Join(",", f.Origins))),
                (await provinceClient.ListFindingsAsync()).Findings.Select(f => (f.Kind, f.Subject, string.Join(",", f.Origins))));
            Assert.Equal(moved.Order(StringComparer.Ordinal), (await provinceClient.ListFindingsAsync()).Findings.Where(f => f.Kind == "duplicate_unemployment_registration").Select(f => f.Subject));
            var postgresFigures = await provinceClient.GetIndicatorsAsync(Tree.Period, "2026-01-01", employedTotal: 1_000_000);
            Assert.Equal(sqliteFigures.ToString(), postgresFigures.ToString());

            // A ministry on PostgreSQL over it: routed verification, live then cached.
            await using var ministry = await NodeProcess.StartAsync(directory.Path, "ministry", "ministry", "000000", new JsonObject
            {
                ["Children"] = new JsonArray(new JsonObject { ["Id"] = "province-440000", ["DivisionCode"] = "440000", ["Address"] = provinceOnPostgres.Address.ToString() }),
                ["Exchange"] = new JsonObject { ["Enabled"] = false, ["VerificationTimeout"] = "00:00:01" },
                ["Store"] = new JsonObject { ["Provider"] = "postgresql", ["ConnectionString"] = postgres.Database("ministry") },
            });
            using var ministryClient = Tree.Client(ministry);
            Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(ministryClient)).State);
            var ministryStatus = await ministryClient.GetNodeStatusAsync();
            Assert.Equal((onPostgres.Digest, onPostgres.Records), (ministryStatus.Children.Single().Digest, ministryStatus.LatestSealed.Records));
            var live = await ministryClient.VerifyCertificateAsync(certificate);
            Assert.Equal((true, Freshness.Live, 2), (live.Found, live.Provenance.Sources.Single().Freshness, live.Provenance.Sources.Single().Hops));
            var person = await ministryClient.VerifyPersonAsync(moved[0]);
            Assert.Equal(["city-440100", "city-440300"], person.Holder.Origins);

            // Guangzhou goes away: the province answers from its PostgreSQL copy of the snapshot.
            await cities[0].DisposeAsync();
            var cached = await provinceClient.VerifyCertificateAsync(certificate);
            Assert.Equal((true, Freshness.Cached, Tree.Period), (cached.Found, cached.Provenance.Sources.Single().Freshness, cached.Provenance.Sources.Single().CachedPeriod));
            Assert.Equal(live.Holder.Person.CitizenId, cached.Holder.Person.CitizenId);
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
