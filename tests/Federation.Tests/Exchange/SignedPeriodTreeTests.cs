using System.Text;
using System.Text.Json.Nodes;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// Signed periods through a real tree (docs/security.md, "Signed periods"): each node signs what it
/// seals, each parent checks before it takes a period, the signed manifests travel up to the
/// ministry, which exports them for an auditor to check offline with the CA alone; and a child
/// cannot replace a period it signed.
/// </summary>
public sealed class SignedPeriodTreeTests
{
    [Fact]
    public async Task CityProvinceMinistry_SignedManifestsReachTheMinistry_AndVerifyOfflineWithTheCaAlone()
    {
        // Arrange: a city with two sealed periods, its province and the ministry
        using var directory = new TempDirectory();
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        await RunAsync(0, NodeProcess.NodeDll, "seal", "--config", cityConfig, "--as-of", "2026-09-30");
        await RunAsync(0, NodeProcess.NodeDll, "seal", "--config", cityConfig, "--as-of", "2026-10-31");
        await using var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        var provinceConfig = await NodeProcess.WriteConfigAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = city.Address.ToString() }),
        });

        // Act: the province pulls the city (and seals its merged period), the ministry the province
        await RunAsync(0, NodeProcess.NodeDll, "pull", "--config", provinceConfig);
        await using var province = await NodeProcess.StartAsync(provinceConfig, "province-440000");
        var ministryConfig = await NodeProcess.WriteConfigAsync(directory.Path, "ministry", "ministry", "000000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "province-440000", ["DivisionCode"] = "440000", ["Address"] = province.Address.ToString() }),
        });
        var pulled = await RunAsync(0, NodeProcess.NodeDll, "pull", "--config", ministryConfig);
        Assert.Contains("province-440000: period 2026-10-31 received", pulled, StringComparison.Ordinal);
        var listed = await RunAsync(0, NodeProcess.NodeDll, "periods", "--config", ministryConfig);
        Assert.Contains("2026-10-31", listed, StringComparison.Ordinal);
        Assert.Contains("  signed", listed, StringComparison.Ordinal);
        var bundle = Path.Combine(directory.Path, "ministry-periods.json");
        var exported = await RunAsync(0, NodeProcess.NodeDll, "periods", "--config", ministryConfig, "--export", bundle);

        // Assert: the ministry holds the city's, the province's and its own signed October
        Assert.Contains("Wrote 3 signed period manifests and 0 unsigned periods", exported, StringComparison.Ordinal);
        var ca = TestPki.For(directory.Path).CaPath;
        var verified = await RunAsync(0, Fedctl, "periods", "verify", bundle, "--ca", ca);
        Assert.Contains("All 3 signatures good", verified, StringComparison.Ordinal);
        Assert.Contains("city-440100 2026-10-31 signed", verified, StringComparison.Ordinal);
        Assert.Contains("province-440000 2026-10-31 signed", verified, StringComparison.Ordinal);
        // The city's October chains to its September, which the ministry never received.
        Assert.Contains("gap: previous 2026-09-30 is not in the bundle", verified, StringComparison.Ordinal);

        // An edited copy: the city's digest changed in its statement — that signature is bad, and
        // the province's statement no longer agrees with it.
        var json = JsonNode.Parse(await File.ReadAllTextAsync(bundle))!;
        var cityEntry = json["signed"]!.AsArray().Single(e => e!["node"]!.GetValue<string>() == "city-440100")!;
        var statement = Encoding.ASCII.GetString(Convert.FromBase64String(cityEntry["statement"]!.GetValue<string>()));
        var digestLine = statement.Split('\n').Single(l => l.StartsWith("digest ", StringComparison.Ordinal));
        var forged = statement.Replace(digestLine, "digest " + new string('0', 64), StringComparison.Ordinal);
        cityEntry["statement"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(forged));
        var tampered = Path.Combine(directory.Path, "tampered.json");
        await File.WriteAllTextAsync(tampered, json.ToJsonString());
        var refused = await RunAsync(1, Fedctl, "periods", "verify", tampered, "--ca", ca, "--json");
        var report = JsonNode.Parse(refused)!;
        Assert.Equal(1, report["bad"]!.GetValue<int>());
        var bad = report["periods"]!.AsArray().Single(p => !p!["good"]!.GetValue<bool>())!;
        Assert.Equal(("city-440100", "bad: the signature does not match the statement (altered, or signed with another key)"),
            (bad["node"]!.GetValue<string>(), bad["signature"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Child_PresentsADifferentlySignedManifestForAPeriodHeld_IsRefusedAndLogged()
    {
        // Arrange: the province holds the city's signed October
        using var directory = new TempDirectory();
        // SQLite for the city whatever the run's store: the test replaces its store file.
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100",
            new JsonObject { ["Store"] = new JsonObject { ["Path"] = "data/city-440100.db" } });
        await RunAsync(0, NodeProcess.NodeDll, "seal", "--config", cityConfig, "--as-of", "2026-10-31");
        var provinceConfig = await NodeProcess.WriteConfigAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = "https://127.0.0.1:1" }),
        });
        await using (var city = await NodeProcess.StartAsync(cityConfig, "city-440100"))
        {
            await SetChildAddressAsync(provinceConfig, city.Address);
            await RunAsync(0, NodeProcess.NodeDll, "pull", "--config", provinceConfig);
        }

        // Act: the city's store is replaced and October sealed again — the same (empty) data, so
        // the same digest, but another statement (another sealing time) under the city's key
        foreach (var file in Directory.GetFiles(directory.File("data"), "city-440100.db*"))
        {
            File.Delete(file);
        }
        await RunAsync(0, NodeProcess.NodeDll, "seal", "--config", cityConfig, "--as-of", "2026-10-31");
        await using var resealed = await NodeProcess.StartAsync(cityConfig, "city-440100");
        await SetChildAddressAsync(provinceConfig, resealed.Address);
        var output = await RunAsync(1, NodeProcess.NodeDll, "pull", "--config", provinceConfig);

        // Assert: refused, said, and logged; the period first received stays
        Assert.Contains("city-440100: pull failed — FailedPrecondition: city-440100 presented a signed manifest for period 2026-10-31 that differs from the one it signed before", output, StringComparison.Ordinal);
        var logs = string.Concat(Directory.GetFiles(directory.File("logs"), "*.log").Select(File.ReadAllText));
        // Logged as an error (event 2243) naming who presented it.
        var replaced = logs.Split('\n').Single(l => l.Contains("\"SignedPeriodReplaced\"", StringComparison.Ordinal));
        Assert.Contains("\"@l\":\"Error\"", replaced, StringComparison.Ordinal);
        Assert.Contains("city-440100", replaced, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NationalCrypto_CityToProvince_SignedWithSm2_AndAMixedTreeIsRefusedAtThePull()
    {
        // Arrange: SM2 signing certificates from the deployment's CA, as an operator issues them
        using var directory = new TempDirectory();
        var pki = TestPki.For(directory.Path);
        foreach (var (id, division) in new[] { ("city-440100", "440100"), ("province-440000", "440000") })
        {
            var issued = await RunAsync(0, NodeProcess.NodeDll, "pki", "node", "--dir", pki.Directory, "--id", id, "--division", division, "--crypto", "national");
            Assert.Contains($"Issued the SM2 signing certificate of node {id}", issued, StringComparison.Ordinal);
        }
        JsonObject Security(string crypto) => new() { ["Security"] = new JsonObject { ["CrlPath"] = pki.CrlPath, ["Crypto"] = crypto } };
        var cityConfig = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100", Security("national"));
        await RunAsync(0, NodeProcess.NodeDll, "seal", "--config", cityConfig, "--as-of", "2026-10-31");
        await using var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        var provinceExtra = Security("standard");
        provinceExtra["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = city.Address.ToString() });
        var provinceConfig = await NodeProcess.WriteConfigAsync(directory.Path, "province-440000", "province", "440000", provinceExtra);

        // Act + Assert: a province on the standard setting refuses the national city before taking
        // anything — its SM3 digest is not one a SHA-256 node computes — saying why
        var mixed = await RunAsync(1, NodeProcess.NodeDll, "pull", "--config", provinceConfig);
        Assert.Contains("city-440100: pull failed — FailedPrecondition: the child's periods are digested with SM3, but this tree uses SHA-256 (Security:Crypto)", mixed, StringComparison.Ordinal);
        // The province's store was created standard and keeps SHA-256: switching the setting takes a new store.
        await NewStoreAsync(directory, provinceConfig, "province-440000");

        // On the national setting it checks the SM2 signature and takes the period; its own is SM2-signed too
        await NodeProcess.EditConfigAsync(provinceConfig, config => config["Security"]!["Crypto"] = "national");
        var pulled = await RunAsync(0, NodeProcess.NodeDll, "pull", "--config", provinceConfig);
        Assert.Contains("city-440100: period 2026-10-31 received", pulled, StringComparison.Ordinal);
        var bundle = Path.Combine(directory.Path, "province-periods.json");
        await RunAsync(0, NodeProcess.NodeDll, "periods", "--config", provinceConfig, "--export", bundle);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(bundle))!;
        var statements = json["signed"]!.AsArray().Select(e => Encoding.ASCII.GetString(Convert.FromBase64String(e!["statement"]!.GetValue<string>()))).ToList();
        Assert.Equal(2, statements.Count);
        Assert.All(statements, s => Assert.Contains("\nalgorithm sm2-sm3\n", s, StringComparison.Ordinal));
        var verified = await RunAsync(0, Fedctl, "periods", "verify", bundle, "--ca", pki.CaPath);
        Assert.Contains("All 2 signatures good", verified, StringComparison.Ordinal);

        // The period digests are SM3 ("sm3:…"): the city's sealed one, the province's merged one,
        // and the city's as the province received and recomputed it are the same string.
        string Line(string statement, string key) => statement.Split('\n').Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[(key.Length + 1)..];
        var cityStatement = statements.Single(s => Line(s, "node") == "city-440100");
        var provinceStatement = statements.Single(s => Line(s, "node") == "province-440000");
        var cityDigest = Line(cityStatement, "digest");
        Assert.Matches("^sm3:[0-9a-f]{64}$", cityDigest);
        Assert.Matches("^sm3:[0-9a-f]{64}$", Line(provinceStatement, "digest"));
        Assert.Equal($"city-440100 2026-10-31 {cityDigest}", Line(provinceStatement, "source"));
        var cityPeriods = await RunAsync(0, NodeProcess.NodeDll, "periods", "--config", cityConfig, "--verify");
        Assert.Contains($"digest {cityDigest}", cityPeriods, StringComparison.Ordinal);
        Assert.Contains("verified", cityPeriods, StringComparison.Ordinal);
        var provincePeriods = await RunAsync(0, NodeProcess.NodeDll, "periods", "--config", provinceConfig, "--verify");
        Assert.Contains($"digest {Line(provinceStatement, "digest")}", provincePeriods, StringComparison.Ordinal);
        Assert.Contains("verified", provincePeriods, StringComparison.Ordinal);

        // The audit chains are SM3 (hashes "sm3:…"): the city's verifies whole, and the national
        // province witnesses it live, recomputing every entry with SM3.
        var cityAudit = await RunAsync(0, NodeProcess.NodeDll, "audit", "verify", "--config", cityConfig);
        Assert.Matches("Audit log of city-440100 intact: [1-9][0-9]* entries, head sm3:[0-9a-f]{64}\\.", cityAudit);
        await using var province = await NodeProcess.StartAsync(provinceConfig, "province-440000");
        var witness = await Poll.UntilAsync(async () =>
        {
            using var channel = province.Channel();
            var status = await new Federation.Protocol.V1.Admin.AdminClient(channel).GetNodeStatusAsync(new Federation.Protocol.V1.GetNodeStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
            return Assert.Single(status.Children).AuditWitness;
        }, witness => witness.Connected && witness.WitnessedSeq > 0, TimeSpan.FromSeconds(60), "the national province witnessed the city's chain");
        Assert.Null(witness.Break);
        Assert.Matches("^sm3:[0-9a-f]{64}$", witness.WitnessedHash);
    }

    [Fact]
    public async Task NationalCrypto_ANodeRefusesToStart_WhenItsAuditLogIsChainedWithTheOtherAlgorithm()
    {
        // Arrange: a national city that has run once, so its audit log is created SM3
        using var directory = new TempDirectory();
        var config = await NationalCityAsync(directory);
        await using (await NodeProcess.StartAsync(config, "city-440100"))
        {
        }

        // Act: started again on the standard setting (with a new store: the audit log alone differs)
        await NewStoreAsync(directory, config, "city-440100");
        var refused = await StartRefusedAsync(config, "standard");

        // Assert: it does not start, naming the file and the way back
        Assert.Contains("city-440100.security.db: its audit log is chained with SM3, but Security:Crypto selects SHA-256", refused, StringComparison.Ordinal);
        Assert.Contains("set Security:Crypto back to national", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NationalCrypto_ANodeRefusesToStart_WhenItsStoreIsDigestedWithTheOtherAlgorithm()
    {
        // Arrange: a national city with a sealed period (its store's digests are SM3), then a new
        // security database, so that the store alone differs from the setting
        using var directory = new TempDirectory();
        var config = await NationalCityAsync(directory);
        await RunAsync(0, NodeProcess.NodeDll, "seal", "--config", config, "--as-of", "2026-10-31");
        foreach (var file in Directory.GetFiles(directory.File("data"), "city-440100.security.db*"))
        {
            File.Delete(file);
        }

        // Act: started on the standard setting
        var refused = await StartRefusedAsync(config, "standard");

        // Assert: it does not start, naming the store and the way back
        Assert.Contains(TestStore.Postgres ? "postgresql://" : "city-440100.db: its periods are digested with SM3", refused, StringComparison.Ordinal);
        Assert.Contains("its periods are digested with SM3, but Security:Crypto selects SHA-256 (Security:Crypto = standard)", refused, StringComparison.Ordinal);
        Assert.Contains("set Security:Crypto back to national", refused, StringComparison.Ordinal);
    }

    // A national city-440100: its SM2 signing certificate issued, its config written.
    private static async Task<string> NationalCityAsync(TempDirectory directory)
    {
        var pki = TestPki.For(directory.Path);
        await RunAsync(0, NodeProcess.NodeDll, "pki", "node", "--dir", pki.Directory, "--id", "city-440100", "--division", "440100", "--crypto", "national");
        return await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100",
            new JsonObject { ["Security"] = new JsonObject { ["CrlPath"] = pki.CrlPath, ["Crypto"] = "national" } });
    }

    // Starts the node on another Security:Crypto setting; it must refuse to start: its output.
    private static async Task<string> StartRefusedAsync(string config, string crypto)
    {
        await NodeProcess.EditConfigAsync(config, c => c["Security"]!["Crypto"] = crypto);
        await using var refused = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]);
        var exitCode = await refused.WaitForExitAsync();
        Assert.True(exitCode != 0, $"the node started on Security:Crypto = {crypto}:\n{refused.Output}");
        return refused.Output;
    }

    // A new, empty store for the node: its SQLite files deleted, or a new PostgreSQL database.
    private static async Task NewStoreAsync(TempDirectory directory, string config, string id)
    {
        if (TestStore.Postgres)
        {
            await NodeProcess.EditConfigAsync(config, c => c["Store"]!["ConnectionString"] = TestStore.NewDatabase(id));
            return;
        }
        foreach (var file in Directory.GetFiles(directory.File("data"), id + ".db*"))
        {
            File.Delete(file);
        }
    }

    private static string Fedctl => RepoPaths.ProjectOutput("src/Fedctl", "fedctl.dll");

    private static Task SetChildAddressAsync(string provinceConfig, Uri address) => NodeProcess.EditConfigAsync(provinceConfig, config =>
        config["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = address.ToString() }));

    private static async Task<string> RunAsync(int expectedExitCode, params string[] arguments)
    {
        await using var process = ExternalProcess.Start("dotnet", arguments);
        var exitCode = await process.WaitForExitAsync();
        Assert.True(exitCode == expectedExitCode, $"{string.Join(' ', arguments)} exited {exitCode}, expected {expectedExitCode}:\n{process.Output}");
        return process.Output;
    }
}
