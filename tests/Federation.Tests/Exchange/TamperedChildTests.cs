using System.Text.Json.Nodes;
using Federation.Client;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// Issue 20: a parent takes no child's word for its records. Shenzhen's operator (the attacker
/// controls the city) files a certificate numbered in a Guangzhou county in the city's store and
/// seals it, so the city's own digest covers it; the province refuses that period at receipt and
/// keeps the previous one, and the ministry never answers the forged number as genuine — not even
/// with the city and the province down, when only its copies are left to answer from.
/// </summary>
public sealed class TamperedChildTests
{
    private const string Forged = "4401129999000001";       // 440112 黄埔区, Guangzhou
    private const string ForgedMasked = "440***********01";
    private const string TamperedPeriod = "2026-11-15";

    [Fact]
    public async Task Province_RefusesATamperedCitySnapshot_KeepsThePreviousPeriod_AndTheMinistryNeverAnswersTheForgery()
    {
        // Arrange: Shenzhen (always on SQLite: the attacker edits its file) with a clean period, pulled up to the ministry.
        using var directory = new TempDirectory();
        var export = Path.Combine(directory.Path, "export-440300");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440300", Persons = 200, Seed = 43, IdOffset = 43_000 }, export);
        var holder = ExportFiles.ReadRows(export, "persons").First(p => p["valid"] == "1");
        var cityStore = Path.Combine(directory.Path, "data", "city-440300.db");
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440300", "city", "440300",
            new JsonObject { ["Store"] = new JsonObject { ["Path"] = cityStore } });
        await RunNodeAsync("ingest", "--config", cityConfig, export, "--seal", Tree.Period);
        var city = await NodeProcess.StartAsync(cityConfig, "city-440300");
        var provinceStore = Path.Combine(directory.Path, "data", "province-440000.db");
        var provinceConfig = await NodeProcess.WriteConfigAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Store"] = new JsonObject { ["Path"] = provinceStore },
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440300", ["DivisionCode"] = "440300", ["Address"] = city.Address.ToString() }),
            ["Exchange"] = new JsonObject { ["Enabled"] = false, ["VerificationTimeout"] = "00:00:01" },
        });
        await NodeProcess.EditConfigAsync(provinceConfig, json => json["Server"]!["MetricsListen"] = "http://127.0.0.1:0");
        var province = await NodeProcess.StartAsync(provinceConfig, "province-440000");
        try
        {
            await using var ministry = await Tree.StartParentAsync(directory.Path, "ministry", "ministry", "000000", ("province-440000", "440000", province.Address));
            using var ministryClient = Tree.Client(ministry);
            using (var provinceClient = Tree.Client(province))
            {
                Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(provinceClient)).State);
            }
            Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(ministryClient)).State);

            // The attack: the city's staged data gets the forged certificate, written past import
            // (which refuses it), and the city seals a new period over it with its own digest.
            await city.DisposeAsync();
            await using (var connection = new SqliteConnection($"Data Source={cityStore};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO s_certificates (certificate_number, citizen_id, issue_date, issuing_division, cancel_date, handling_division, valid) " +
                    "VALUES ($number, $citizen, '2026-11-01', '440112', '', '440303', 1)";
                insert.Parameters.AddWithValue("$number", Forged);
                insert.Parameters.AddWithValue("$citizen", holder["citizen_id"]);
                Assert.Equal(1, await insert.ExecuteNonQueryAsync());
            }
            var sealedOutput = await RunNodeAsync("seal", "--config", cityConfig, "--as-of", TamperedPeriod);
            Assert.Contains($"Sealed period {TamperedPeriod}", sealedOutput, StringComparison.Ordinal);
            city = await city.RestartAsync("city-440300");

            // Act: the province pulls the tampered period, then the ministry pulls the province.
            Operation refused;
            using (var provinceClient = Tree.Client(province))
            {
                refused = await Tree.ResyncAsync(provinceClient);
            }
            await Tree.ResyncAsync(ministryClient);
            string provinceMetrics;
            using (var http = new HttpClient())
            {
                provinceMetrics = await http.GetStringAsync(province.Metrics).DefaultTimeout();
            }

            // Assert: the city and the province go down; the ministry has only its copy, which
            // never held the forgery: no "genuine", under the holder's name or any other.
            await city.DisposeAsync();
            await province.DisposeAsync();
            PublicCheckResponse? answer = null;
            var check = await Record.ExceptionAsync(async () => answer = await ministryClient.PublicCheckAsync(Forged, holder["name"]));
            Assert.False(answer?.Genuine ?? false, "the ministry answered the forged certificate genuine, from its copy");
            Assert.Equal(StatusCode.Unavailable, Assert.IsType<RpcException>(Assert.IsType<FederationException>(check).InnerException).StatusCode);
            VerifyResponse? verified = null;
            var verify = await Record.ExceptionAsync(async () => verified = await ministryClient.VerifyCertificateAsync(Forged));
            Assert.False(verified?.Found ?? false, "the ministry answered the forged certificate from its copy");
            Assert.Contains("ministry has no copy of this one", Assert.IsType<RpcException>(Assert.IsType<FederationException>(verify).InnerException).Message, StringComparison.Ordinal);

            // The refusal: the transfer failed, saying which record (masked) and why, and counted.
            Assert.Matches("federation_child_transfers_refused_total\\{[^}]*child=\"city-440300\"[^}]*reason=\"jurisdiction\"[^}]*\\} 1", provinceMetrics);
            var link = Assert.Single(refused.Children);
            Assert.Equal("failed", link.State);
            Assert.Contains($"city-440300's period {TamperedPeriod} refused at receipt: certificates record {ForgedMasked}: issuing_division is 440112, outside the jurisdiction of city-440300 (440300)",
                link.Error, StringComparison.Ordinal);

            // The province kept the city's previous period — link, merged period — and nothing of the
            // refused transfer; status, log and metric show it, the number only masked.
            province = await province.RestartAsync("province-440000");
            using (var provinceClient = Tree.Client(province))
            {
                var status = await provinceClient.GetNodeStatusAsync();
                var child = Assert.Single(status.Children);
                Assert.Equal((Tree.Period, true), (child.Period, child.Stale));
                Assert.Contains($"certificates record {ForgedMasked}: issuing_division is 440112", child.LastError, StringComparison.Ordinal);
                Assert.Equal(Tree.Period, status.LatestSealed.Period);
            }
            Assert.Equal(0, await CountAsync(provinceStore,
                $"SELECT (SELECT count(*) FROM transfers) + (SELECT count(*) FROM c_certificates WHERE period = '{TamperedPeriod}') + (SELECT count(*) FROM c_persons WHERE period = '{TamperedPeriod}')"));
            var logs = string.Join('\n', Directory.GetFiles(directory.Path, "province-440000-*.log", SearchOption.AllDirectories).Select(File.ReadAllText));
            // Compact JSON lines: the event and its properties.
            Assert.Contains("\"EventId\":{\"Id\":2230,\"Name\":\"TransferRefused\"}", logs, StringComparison.Ordinal);
            Assert.Contains($"\"MaskedKey\":\"{ForgedMasked}\"", logs, StringComparison.Ordinal);
            Assert.Contains("\"Field\":\"issuing_division\"", logs, StringComparison.Ordinal);
            Assert.DoesNotContain(Forged, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(holder["citizen_id"], logs, StringComparison.Ordinal);
        }
        finally
        {
            await province.DisposeAsync();
            await city.DisposeAsync();
        }
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> RunNodeAsync(params string[] arguments)
    {
        await using var process = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, .. arguments]);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exitCode == 0, $"{string.Join(' ', arguments)} exited {exitCode}:\n{process.Output}");
        return process.Output;
    }
}
