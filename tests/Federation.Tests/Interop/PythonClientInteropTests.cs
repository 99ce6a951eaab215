using System.Security.Cryptography.X509Certificates;
using Federation.Interop;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Interop;

/// <summary>Debian's python3-grpcio (gRPC C core) runs the interop client cases against our server.</summary>
public sealed class PythonClientInteropTests(PythonClientInteropTests.ServerFixture fixture) : IClassFixture<PythonClientInteropTests.ServerFixture>
{
    public static TheoryData<string> Cases => [.. InteropClient.TestCases];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PythonClient_AgainstOurServer_Passes(string testCase)
    {
        await using var client = ExternalProcess.Start(Peers.Python,
            [Path.Combine(Peers.PythonScripts, "interop_client.py"), $"--server_port={fixture.Server.Port}", $"--test_case={testCase}"]);
        var exitCode = await client.WaitForExitAsync();
        Assert.True(exitCode == 0, $"python interop client failed {testCase} (exit {exitCode}):\n{client.Output}\nserver output:\n{fixture.Server.Output}");
        Assert.Contains($"OK: {testCase}", client.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonClient_OverTls_AgainstOurServer_PassesAllCases()
    {
        // Arrange: a CA the client trusts, and a server certificate for localhost signed by it
        using var directory = new TempDirectory();
        using var authority = TestCertificates.CreateCertificateAuthority();
        using var certificate = TestCertificates.CreateServerCertificate(authority);
        await File.WriteAllTextAsync(directory.File("ca.pem"), authority.ExportCertificatePem());
        await File.WriteAllTextAsync(directory.File("server.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(directory.File("server.key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await using var server = await InteropServerProcess.StartAsync("--use_tls=true",
            $"--tls_cert_file={directory.File("server.pem")}", $"--tls_key_file={directory.File("server.key")}");

        // Act
        await using var client = ExternalProcess.Start(Peers.Python,
        [
            Path.Combine(Peers.PythonScripts, "interop_client.py"), $"--server_port={server.Port}", "--server_host=localhost",
            "--use_tls=true", "--use_test_ca=true", $"--ca_file={directory.File("ca.pem")}", "--test_case=all",
        ]);
        var exitCode = await client.WaitForExitAsync();

        // Assert
        Assert.True(exitCode == 0, $"python interop client over TLS failed (exit {exitCode}):\n{client.Output}");
        foreach (var testCase in InteropClient.TestCases)
        {
            Assert.Contains($"OK: {testCase}", client.Output, StringComparison.Ordinal);
        }
    }

    public sealed class ServerFixture : IAsyncLifetime
    {
        public InteropServerProcess Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _ = Peers.Python; // fail fast, with the install hint, when the peer is missing
            Server = await InteropServerProcess.StartAsync();
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
