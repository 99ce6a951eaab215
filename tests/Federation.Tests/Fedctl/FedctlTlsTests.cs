using Federation.Testing;
using Xunit;

namespace Federation.Tests.Fedctl;

/// <summary>fedctl against a node that serves TLS and requires client certificates from its CA .</summary>
public sealed class FedctlTlsTests
{
    private static string FedctlDll => FedctlProcess.Dll;

    [Fact]
    public async Task Status_WithCaAndClientCertificate_Works_WithoutCertificate_Fails()
    {
        // Arrange: a node that requires a client certificate of its CA at the handshake; the
        // operator signs in with the harness's account certificate.
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        await NodeProcess.EditConfigAsync(config, json => json["Server"]!["Tls"]!["ClientCertificates"] = "require");
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        var address = $"https://localhost:{node.Address.Port}";
        var ca = node.Pki.CaPath;
        var operatorCertificate = Path.Combine(node.Pki.Directory, TestPki.Tester + ".pem");
        var operatorKey = Path.Combine(node.Pki.Directory, TestPki.Tester + ".key");

        // Act + Assert: with the CA and a client certificate
        await using (var ok = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--json", "--node", address,
                         "--ca", ca, "--cert", operatorCertificate, "--key", operatorKey]))
        {
            Assert.True(await ok.WaitForExitAsync() == 0, ok.Output);
            Assert.Contains("\"nodeId\": \"city-440100\"", ok.Output, StringComparison.Ordinal);
        }

        // Without a client certificate the node refuses the connection: a credentials problem
        // (exit 4) with the options that fix it, not "unreachable".
        await using (var refused = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", address, "--ca", ca, "--timeout", "5"]))
        {
            Assert.Equal(4, await refused.WaitForExitAsync());
            Assert.Contains("requires a client certificate", refused.Output, StringComparison.Ordinal);
            Assert.Contains("--cert FILE.pem --key FILE.key", refused.Output, StringComparison.Ordinal);
        }

        // Without the CA the node's certificate is not trusted: also exit 4, with --ca as the fix.
        await using (var untrusted = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", address,
                         "--cert", operatorCertificate, "--key", operatorKey, "--timeout", "5"]))
        {
            Assert.Equal(4, await untrusted.WaitForExitAsync());
            Assert.Contains("not trusted", untrusted.Output, StringComparison.Ordinal);
            Assert.Contains("--ca FILE.pem", untrusted.Output, StringComparison.Ordinal);
        }

        // Nothing listening: unreachable, exit 3.
        await using (var unreachable = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", $"https://localhost:{FreePort()}", "--ca", ca, "--timeout", "5"]))
        {
            Assert.Equal(3, await unreachable.WaitForExitAsync());
            Assert.Contains("cannot be reached", unreachable.Output, StringComparison.Ordinal);
        }

        // --cert without --key is a usage error.
        await using var usage = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", address, "--cert", operatorCertificate]);
        Assert.Equal(2, await usage.WaitForExitAsync());
        Assert.Contains("--cert and --key go together", usage.Output, StringComparison.Ordinal);
    }

    // A port nothing listens on: bound by the OS, then released.
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
