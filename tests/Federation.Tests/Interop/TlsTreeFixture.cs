using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Testing;
using Federation.Tests.Exchange;
using Xunit;

namespace Federation.Tests.Interop;

/// <summary>
/// A province over one city, both serving mutual TLS with certificates of the deployment's CA (the
/// province pulls from the https city with its own node certificate), and an agency's account at
/// the province — a verifier over Guangdong — whose certificate callers present. Holds a
/// certificate number known to the city and its holder's name.
/// </summary>
public sealed class TlsTreeFixture : IAsyncLifetime
{
    public const string Agency = "agency-440000";

    private readonly TempDirectory _directory = new();
    private readonly List<NodeProcess> _nodes = [];

    public NodeProcess Province { get; private set; } = null!;

    /// <summary>The province's address as callers name it (the certificate is for localhost).</summary>
    public string ProvinceTarget => $"localhost:{Province.Address.Port}";

    public string CaPath => Province.Pki.CaPath;
    public string ClientCertificatePath => Path.Combine(Province.Pki.Directory, Agency + ".pem");
    public string ClientKeyPath => Path.Combine(Province.Pki.Directory, Agency + ".key");
    public string Certificate { get; private set; } = "";
    public string HolderName { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var cityConfig = await Tree.PrepareCityAsync(_directory.Path, "440100", 200, 71, export =>
        {
            var certificate = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1");
            Certificate = certificate["certificate_number"];
            HolderName = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == certificate["citizen_id"])["name"];
        });
        _nodes.Add(await NodeProcess.StartAsync(cityConfig, "city-440100"));

        var provinceConfig = await NodeProcess.WriteConfigAsync(_directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject
            {
                ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = $"https://localhost:{_nodes[0].Address.Port}",
            }),
            ["Exchange"] = new JsonObject { ["Enabled"] = false },
        });
        TestPki.For(_directory.Path).AddAccount(_directory.File("data/province-440000.db"), Agency, [("verifier", "440000")]);
        Province = await NodeProcess.StartAsync(provinceConfig, "province-440000");
        _nodes.Add(Province);
        using var client = Tree.Client(Province);
        var operation = await Tree.ResyncAsync(client);
        if (operation.State != Federation.Protocol.V1.OperationState.Succeeded)
        {
            throw new InvalidOperationException($"the province could not pull from its https city: {operation}");
        }
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
