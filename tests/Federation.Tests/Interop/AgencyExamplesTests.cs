using Federation.DataGen;
using Federation.Testing;
using Federation.Tests.Exchange;
using Xunit;

namespace Federation.Tests.Interop;

/// <summary>
/// The agency guides' examples (examples/python, examples/node; issue 22) run as written against a
/// real city holding imported records, over mutual TLS with an agency's account certificate of
/// the deployment CA: VerifyPerson finds the worker live at the city, PublicCheck says genuine,
/// a malformed citizen ID ends with INVALID_ARGUMENT's message and exit code 6, and a verifier of
/// another city with PERMISSION_DENIED's and exit code 4.
/// </summary>
public sealed class AgencyExamplesTests(AgencyExamplesTests.CityFixture fixture) : IClassFixture<AgencyExamplesTests.CityFixture>
{
    private const int InvalidArgumentExit = 6;

    [Fact]
    public async Task Python_VerifiesThePersonLiveAndTheCertificateGenuine()
    {
        await using var client = Python(fixture.CitizenId);
        var exitCode = await client.WaitForExitAsync();

        Assert.True(exitCode == 0, $"the Python example failed (exit {exitCode}):\n{client.Output}");
        AssertAnswered(client.Output);
    }

    [Fact]
    public async Task Python_MalformedCitizenId_InvalidArgumentExitCode()
    {
        await using var client = Python(fixture.MalformedCitizenId);
        var exitCode = await client.WaitForExitAsync();

        Assert.True(exitCode == InvalidArgumentExit, $"expected exit {InvalidArgumentExit}, got {exitCode}:\n{client.Output}");
        Assert.Contains("error INVALID_ARGUMENT: 参数错误", client.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PublicCheck:", client.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_VerifiesThePersonLiveAndTheCertificateGenuine()
    {
        await using var client = Node(fixture.CitizenId);
        var exitCode = await client.WaitForExitAsync();

        Assert.True(exitCode == 0, $"the Node example failed (exit {exitCode}):\n{client.Output}");
        AssertAnswered(client.Output);
    }

    [Fact]
    public async Task Node_MalformedCitizenId_InvalidArgumentExitCode()
    {
        await using var client = Node(fixture.MalformedCitizenId);
        var exitCode = await client.WaitForExitAsync();

        Assert.True(exitCode == InvalidArgumentExit, $"expected exit {InvalidArgumentExit}, got {exitCode}:\n{client.Output}");
        Assert.Contains("error INVALID_ARGUMENT: 参数错误", client.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PublicCheck:", client.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_VerifierOfAnotherCity_PermissionDeniedExitCode()
    {
        await using var client = Python(fixture.CitizenId, CityFixture.OtherCityAgency);
        var exitCode = await client.WaitForExitAsync();

        Assert.True(exitCode == 4, $"expected exit 4, got {exitCode}:\n{client.Output}");
        Assert.Contains("error PERMISSION_DENIED: 无权限", client.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.HolderName, client.Output, StringComparison.Ordinal);
    }

    // The guides' commands: the files in the environment, the target as the node's certificate names it.
    private Dictionary<string, string> Environment(string account = CityFixture.Agency) => new()
    {
        ["FEDERATION_CA"] = fixture.City.Pki.CaPath,
        ["FEDERATION_CERT"] = Path.Combine(fixture.City.Pki.Directory, account + ".pem"),
        ["FEDERATION_KEY"] = Path.Combine(fixture.City.Pki.Directory, account + ".key"),
    };

    private ExternalProcess Python(string citizenId, string account = CityFixture.Agency) => ExternalProcess.Start(Peers.Python,
        [Path.Combine(Peers.Examples, "python", "agency_client.py"), "--target", fixture.Target, "--citizen-id", citizenId,
         "--certificate", fixture.Certificate, "--name", fixture.HolderName], environment: Environment(account));

    private ExternalProcess Node(string citizenId) => ExternalProcess.Start(Peers.ExampleNode,
        [Path.Combine(Peers.Examples, "node", "agency_client.js"), fixture.Target, citizenId, fixture.Certificate, fixture.HolderName],
        environment: Environment());

    // The city holds the record: answered live from its own data, and the certificate is genuine.
    private static void AssertAnswered(string output)
    {
        Assert.Contains("VerifyPerson: found=true state=EMPLOYMENT_STATE_", output, StringComparison.Ordinal);
        Assert.Contains("answered_by=city-440100 source=city-440100:FRESHNESS_LIVE", output, StringComparison.Ordinal);
        Assert.Contains("PublicCheck: genuine=true", output, StringComparison.Ordinal);
    }

    /// <summary>A city with imported records, serving mutual TLS, and an agency's verifier account there.</summary>
    public sealed class CityFixture : IAsyncLifetime
    {
        public const string Agency = "agency-440100";

        /// <summary>A verifier over Shenzhen (440300) only, with an account at this city.</summary>
        public const string OtherCityAgency = "agency-440300";

        private readonly TempDirectory _directory = new();

        public NodeProcess City { get; private set; } = null!;
        public string Target => $"localhost:{City.Address.Port}";
        public string CitizenId { get; private set; } = "";
        public string Certificate { get; private set; } = "";
        public string HolderName { get; private set; } = "";

        /// <summary>The worker's ID cut short: refused before any lookup.</summary>
        public string MalformedCitizenId => CitizenId[..10];

        public async Task InitializeAsync()
        {
            var config = await Tree.PrepareCityAsync(_directory.Path, "440100", 200, 73, export =>
            {
                var certificate = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1");
                Certificate = certificate["certificate_number"];
                CitizenId = certificate["citizen_id"];
                HolderName = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == CitizenId)["name"];
            });
            var pki = TestPki.For(_directory.Path);
            pki.AddAccount(_directory.File("data/city-440100.db"), Agency, [("verifier", "440100")]);
            pki.AddAccount(_directory.File("data/city-440100.db"), OtherCityAgency, [("verifier", "440300")]);
            City = await NodeProcess.StartAsync(config, "city-440100");
        }

        public async Task DisposeAsync()
        {
            await City.DisposeAsync();
            _directory.Dispose();
        }
    }
}
