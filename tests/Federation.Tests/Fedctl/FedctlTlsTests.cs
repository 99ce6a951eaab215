using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
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
        // Arrange: a private CA, the node's certificate and an operator's client certificate
        using var directory = new TempDirectory();
        using var authority = TestCertificates.CreateCertificateAuthority();
        using var server = TestCertificates.CreateServerCertificate(authority);
        using var operatorCertificate = TestCertificates.CreateClientCertificate(authority, "operator-440000");
        await WritePemAsync(directory.File("ca.pem"), authority, withKey: false);
        await WritePemAsync(directory.File("node"), server, withKey: true);
        await WritePemAsync(directory.File("operator"), operatorCertificate, withKey: true);
        await using var node = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100", new JsonObject
        {
            ["Server"] = new JsonObject
            {
                ["Listen"] = "https://127.0.0.1:0",
                ["Tls"] = new JsonObject
                {
                    ["CertificatePath"] = "node.pem", ["KeyPath"] = "node.key", ["ClientCertificates"] = "require", ["ClientCaPath"] = "ca.pem",
                },
            },
        });
        var address = $"https://localhost:{node.Address.Port}";

        // Act + Assert: with the CA and a client certificate
        await using (var ok = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--json", "--node", address,
                         "--ca", directory.File("ca.pem"), "--cert", directory.File("operator.pem"), "--key", directory.File("operator.key")]))
        {
            Assert.True(await ok.WaitForExitAsync() == 0, ok.Output);
            Assert.Contains("\"nodeId\": \"city-440100\"", ok.Output, StringComparison.Ordinal);
        }

        // Without a client certificate the node refuses the connection: a credentials problem
        // (exit 4) with the options that fix it, not "unreachable".
        await using (var refused = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", address, "--ca", directory.File("ca.pem"), "--timeout", "5"]))
        {
            Assert.Equal(4, await refused.WaitForExitAsync());
            Assert.Contains("requires a client certificate", refused.Output, StringComparison.Ordinal);
            Assert.Contains("--cert FILE.pem --key FILE.key", refused.Output, StringComparison.Ordinal);
        }

        // Without the CA the node's certificate is not trusted: also exit 4, with --ca as the fix.
        await using (var untrusted = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", address,
                         "--cert", directory.File("operator.pem"), "--key", directory.File("operator.key"), "--timeout", "5"]))
        {
            Assert.Equal(4, await untrusted.WaitForExitAsync());
            Assert.Contains("not trusted", untrusted.Output, StringComparison.Ordinal);
            Assert.Contains("--ca FILE.pem", untrusted.Output, StringComparison.Ordinal);
        }

        // Nothing listening: unreachable, exit 3.
        await using (var unreachable = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", $"https://localhost:{FreePort()}", "--ca", directory.File("ca.pem"), "--timeout", "5"]))
        {
            Assert.Equal(3, await unreachable.WaitForExitAsync());
            Assert.Contains("cannot be reached", unreachable.Output, StringComparison.Ordinal);
        }

        // --cert without --key is a usage error.
        await using var usage = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", address, "--cert", directory.File("operator.pem")]);
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

    private static async Task WritePemAsync(string path, X509Certificate2 certificate, bool withKey)
    {
        if (!withKey)
        {
            await File.WriteAllTextAsync(path, certificate.ExportCertificatePem());
            return;
        }
        await File.WriteAllTextAsync(path + ".pem", certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(path + ".key", certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }
}
