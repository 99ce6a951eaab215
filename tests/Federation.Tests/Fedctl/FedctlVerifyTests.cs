using System.Text.Json;
using Federation.DataGen;
using Federation.Testing;
using Federation.Tests.Exchange;
using Xunit;

namespace Federation.Tests.Fedctl;

/// <summary>
/// fedctl's agency and operator verbs as processes against a real province over two cities:
/// verify (card with provenance), the public check, findings — text and --json, and exit codes.
/// </summary>
public sealed class FedctlVerifyTests(FedctlVerifyTests.ProvinceFixture fixture) : IClassFixture<FedctlVerifyTests.ProvinceFixture>
{
    private Task<(int ExitCode, string Output)> FedctlAsync(params string[] arguments) => FedctlProcess.RunAsync(fixture.Province, arguments);

    [Fact]
    public async Task VerifyCert_Text_ShowsTheCardAndTheRoute()
    {
        var (exitCode, output) = await FedctlAsync("verify", "cert", fixture.Certificate);

        Assert.True(exitCode == 0, output);
        Assert.Contains(fixture.HolderName, output, StringComparison.Ordinal);
        Assert.Contains($"{fixture.Certificate} valid", output, StringComparison.Ordinal);
        Assert.Contains("Answered by province-440000: province-440000 → city-440100 (1 hops), live", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyCert_Json_CarriesHolderAndProvenance()
    {
        var (exitCode, output) = await FedctlAsync("verify", "cert", fixture.Certificate, "--json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("found").GetBoolean());
        Assert.Equal(fixture.Holder, json.RootElement.GetProperty("holder").GetProperty("person").GetProperty("citizenId").GetString());
        var source = json.RootElement.GetProperty("provenance").GetProperty("sources")[0];
        Assert.Equal("FRESHNESS_LIVE", source.GetProperty("freshness").GetString());
        Assert.Equal(["province-440000", "city-440100"], source.GetProperty("route").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task VerifyPerson_MovedWorker_ShowsBothCities_UnknownPersonExitsOne()
    {
        var (exitCode, output) = await FedctlAsync("verify", "person", fixture.Moved, "--json");
        Assert.Equal(0, exitCode);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(["city-440100", "city-440300"], json.RootElement.GetProperty("holder").GetProperty("origins").EnumerateArray().Select(o => o.GetString()));
        }

        (exitCode, output) = await FedctlAsync("verify", "person", "11010519491231002X");
        Assert.Equal(1, exitCode);
        Assert.Contains("NOT FOUND", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_GenuineExitsZero_WrongNameExitsOne_NothingPersonalInJson()
    {
        var (exitCode, output) = await FedctlAsync("check", fixture.Certificate, "--name", fixture.HolderName);
        Assert.True(exitCode == 0, output);
        Assert.Contains("GENUINE", output, StringComparison.Ordinal);

        (exitCode, output) = await FedctlAsync("check", fixture.Certificate, "--name", "张冒名", "--json");
        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("genuine").GetBoolean());
        Assert.DoesNotContain(fixture.Holder, output, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.HolderName, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_MalformedNumber_IsAUsageError_WithTheReason()
    {
        var (exitCode, output) = await FedctlAsync("verify", "cert", "44-01");

        Assert.Equal(2, exitCode);
        Assert.Contains("certificate number", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Findings_TextMasksIds_JsonHasThem()
    {
        var (exitCode, output) = await FedctlAsync("findings");
        Assert.True(exitCode == 0, output);
        Assert.Contains("duplicate_unemployment_registration 2", output, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Moved, output, StringComparison.Ordinal);
        Assert.Contains(fixture.Moved[..3] + "*************" + fixture.Moved[^2..], output, StringComparison.Ordinal);

        (exitCode, output) = await FedctlAsync("findings", "--json", "--kind", "duplicate_unemployment_registration");
        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Contains(fixture.Moved, json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("subject").GetString()));
    }

    // Issue 11, item 14: at a parent, stats carries the digest of its merged period, and any
    // division within its jurisdiction is answered — a child city's figures are the city's own.
    [Fact]
    public async Task Stats_AtAParent_CarriesItsDigest_AndAnswersForAChildCity()
    {
        var (_, statusJson) = await FedctlAsync("status", "--json");
        using var status = System.Text.Json.JsonDocument.Parse(statusJson);
        var sealedDigest = status.RootElement.GetProperty("node").GetProperty("latestSealed").GetProperty("digest").GetString();

        var (exitCode, whole) = await FedctlAsync("stats", "--json");
        Assert.True(exitCode == 0, whole);
        using (var json = System.Text.Json.JsonDocument.Parse(whole))
        {
            Assert.Equal(sealedDigest, json.RootElement.GetProperty("manifestDigest").GetString());
        }

        var (cityExit, cityOutput) = await FedctlAsync("stats", "--division", "440100", "--json");
        Assert.True(cityExit == 0, cityOutput);
        var (_, ownOutput) = await FedctlProcess.RunAsync(fixture.Cities[0], "stats", "--json");
        using var city = System.Text.Json.JsonDocument.Parse(cityOutput);
        using var own = System.Text.Json.JsonDocument.Parse(ownOutput);
        Assert.Equal("440100", city.RootElement.GetProperty("division").GetString());
        foreach (var figure in new[] { "newUrbanEmployment", "reemployedUnemployed", "hardToEmployEmployed", "registeredUnemployed" })
        {
            Assert.Equal(own.RootElement.GetProperty(figure).GetString(), city.RootElement.GetProperty(figure).GetString());
        }
        var child = Assert.Single(city.RootElement.GetProperty("children").EnumerateArray());
        Assert.Equal("city-440100", child.GetProperty("childId").GetString());
        Assert.Empty(child.GetProperty("deviations").EnumerateArray());
    }

    // Issue 11, items 16 and 17: a parent's status traces its period to each child snapshot's
    // digest, and every verb's --json is one style (indented, Chinese as is).
    [Fact]
    public async Task Status_AtAParent_NamesEachMergedSnapshotWithItsDigest_InTheOneJsonStyle()
    {
        var (exitCode, output) = await FedctlAsync("status", "--json");
        Assert.Equal(0, exitCode);
        Assert.Contains("\"divisionName\": \"广东省\"", output, StringComparison.Ordinal);
        Assert.Contains("\n  \"node\": {", output, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var merged = json.RootElement.GetProperty("node").GetProperty("latestSealed").GetProperty("mergedFrom").EnumerateArray()
            .Select(m => (m.GetProperty("childId").GetString(), m.GetProperty("period").GetString(), m.GetProperty("digest").GetString())).ToList();
        Assert.Equal(["city-440100", "city-440300"], merged.Select(m => m.Item1));
        Assert.All(merged, m => Assert.Matches("^[0-9a-f]{64}$", m.Item3));
        // The digest the province names is the one the city sealed.
        var (_, cityStatus) = await FedctlProcess.RunAsync(fixture.Cities[0], "status", "--json");
        using var city = System.Text.Json.JsonDocument.Parse(cityStatus);
        Assert.Equal(city.RootElement.GetProperty("node").GetProperty("latestSealed").GetProperty("digest").GetString(), merged[0].Item3);

        var (_, text) = await FedctlAsync("status");
        Assert.Contains($"merged from │ city-440100 period {merged[0].Item2}, digest {merged[0].Item3}", text.Replace("  merged from", "merged from", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    public sealed class ProvinceFixture : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();
        private readonly List<NodeProcess> _nodes = [];

        public NodeProcess Province { get; private set; } = null!;

        /// <summary>Guangzhou, then Shenzhen.</summary>
        public IReadOnlyList<NodeProcess> Cities => _nodes.Take(2).ToList();
        public string Certificate { get; private set; } = "";
        public string Holder { get; private set; } = "";
        public string HolderName { get; private set; } = "";
        public string Moved { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var guangzhouExport = "";
            var guangzhou = await Tree.PrepareCityAsync(_directory.Path, "440100", 300, 61, export =>
            {
                guangzhouExport = export;
                var certificate = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1");
                (Certificate, Holder) = (certificate["certificate_number"], certificate["citizen_id"]);
                HolderName = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == Holder)["name"];
            });
            var shenzhen = await Tree.PrepareCityAsync(_directory.Path, "440300", 300, 62,
                export => Moved = CrossRegion.AddMovedWorkers(guangzhouExport, export, "440300", 2)[0]);
            _nodes.Add(await NodeProcess.StartAsync(guangzhou, "city-440100"));
            _nodes.Add(await NodeProcess.StartAsync(shenzhen, "city-440300"));
            Province = await Tree.StartParentAsync(_directory.Path, "province-440000", "province", "440000",
                ("city-440100", "440100", _nodes[0].Address), ("city-440300", "440300", _nodes[1].Address));
            _nodes.Add(Province);
            using var client = Tree.Client(Province);
            await Tree.ResyncAsync(client);
        }

        public async Task DisposeAsync()
        {
            foreach (var node in _nodes)
            {
                await node.DisposeAsync();
            }
            _directory.Dispose();
        }
    }
}
