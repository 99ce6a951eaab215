using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Testing;
using Federation.Tests.Exchange;
using Xunit;

namespace Federation.Tests.Interop;

/// <summary>
/// A province over one city, both serving TLS and requiring client certificates from the
/// deployment's CA (mutual TLS between the nodes too: the province pulls from the https city with
/// its own certificate), and an agency's client certificate for callers. Holds a certificate
/// number known to the city and its holder's name.
/// </summary>
public sealed class TlsTreeFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly List<NodeProcess> _nodes = [];

    public NodeProcess Province { get; private set; } = null!;

    /// <summary>The province's address as callers name it (the certificate is for localhost).</summary>
    public string ProvinceTarget => $"localhost:{Province.Address.Port}";

    public string CaPath => _directory.File("ca.pem");
    public string ClientCertificatePath => _directory.File("agency.pem");
    public string ClientKeyPath => _directory.File("agency.key");
    public string Certificate { get; private set; } = "";
    public string HolderName { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var authority = TestCertificates.CreateCertificateAuthority();
        using var node = TestCertificates.CreateNodeCertificate(authority);
        using var agency = TestCertificates.CreateClientCertificate(authority, "agency-440000");
        TestCertificates.WritePem(_directory.Path, "ca", authority);
        TestCertificates.WritePem(_directory.Path, "node", node);
        TestCertificates.WritePem(_directory.Path, "agency", agency);

        var cityConfig = await Tree.PrepareCityAsync(_directory.Path, "440100", 200, 71, export =>
        {
            var certificate = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1");
            Certificate = certificate["certificate_number"];
            HolderName = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == certificate["citizen_id"])["name"];
        });
        var city = JsonNode.Parse(await File.ReadAllTextAsync(cityConfig))!.AsObject();
        city["Server"] = MutualTls();
        await File.WriteAllTextAsync(cityConfig, city.ToJsonString());
        _nodes.Add(await NodeProcess.StartAsync(cityConfig, "city-440100"));

        Province = await NodeProcess.StartAsync(_directory.Path, "province-440000", "province", "440000", new JsonObject
        {
            ["Server"] = MutualTls(),
            ["Children"] = new JsonArray(new JsonObject
            {
                ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = $"https://localhost:{_nodes[0].Address.Port}",
            }),
            ["Exchange"] = new JsonObject { ["Enabled"] = false },
        });
        _nodes.Add(Province);
        using var client = new Federation.Client.FederationClient(new Federation.Client.FederationClientOptions
        {
            Address = $"https://{ProvinceTarget}",
            ServerCertificateAuthority = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(CaPath)),
            ClientCertificate = Federation.Client.FederationClient.LoadClientCertificate(ClientCertificatePath, ClientKeyPath),
        });
        var operation = await Tree.ResyncAsync(client);
        if (operation.State != Federation.Protocol.V1.OperationState.Succeeded)
        {
            throw new InvalidOperationException($"the province could not pull from its https city: {operation}");
        }
    }

    private static JsonObject MutualTls() => new()
    {
        ["Listen"] = "https://127.0.0.1:0",
        ["Tls"] = new JsonObject
        {
            ["CertificatePath"] = "node.pem", ["KeyPath"] = "node.key", ["ClientCertificates"] = "require", ["ClientCaPath"] = "ca.pem",
        },
    };

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        _directory.Dispose();
    }
}
