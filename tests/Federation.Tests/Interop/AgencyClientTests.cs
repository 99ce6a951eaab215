using System.Text.Json;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Interop;

/// <summary>
/// Agencies call the network from Python and Node.js: Debian's python3-grpcio (gRPC C core) and
/// npm's @grpc/grpc-js call a province's real services over mutual TLS — health (Check, Watch),
/// server reflection (the Python client learns federation.v1 from the node, no .proto files) and
/// Verification, answered live by the city below the province over the nodes' own mutual TLS.
/// </summary>
public sealed class AgencyClientTests(TlsTreeFixture fixture) : IClassFixture<TlsTreeFixture>
{
    [Fact]
    public async Task PythonGrpcio_HealthReflectionAndVerification_OverMutualTls()
    {
        await using var client = ExternalProcess.Start(Peers.Python,
        [
            Path.Combine(Peers.PythonScripts, "node_client.py"), "--target", fixture.ProvinceTarget,
            "--certificate", fixture.Certificate, "--name", fixture.HolderName,
            "--ca", fixture.CaPath, "--cert", fixture.ClientCertificatePath, "--key", fixture.ClientKeyPath,
        ]);
        var exitCode = await client.WaitForExitAsync();

        Assert.True(exitCode == 0, $"python client failed (exit {exitCode}):\n{client.Output}");
        AssertSteps(client.Output, "health", "reflection", "verification");
        AssertRoutedLive(client.Output, "FRESHNESS_LIVE");
    }

    [Fact]
    public async Task GrpcJs_HealthAndVerification_OverMutualTls()
    {
        await using var client = ExternalProcess.Start(Peers.Node,
        [
            Path.Combine(Peers.NodePeers, "grpcjs_client.js"), fixture.ProvinceTarget, fixture.Certificate, fixture.HolderName,
            fixture.CaPath, fixture.ClientCertificatePath, fixture.ClientKeyPath,
        ]);
        var exitCode = await client.WaitForExitAsync();

        Assert.True(exitCode == 0, $"grpc-js client failed (exit {exitCode}):\n{client.Output}");
        AssertSteps(client.Output, "health", "verification");
        AssertRoutedLive(client.Output, "FRESHNESS_LIVE");
    }

    [Fact]
    public async Task PythonGrpcio_WithoutClientCertificate_GetsHealthButNoRecord()
    {
        await using var client = ExternalProcess.Start(Peers.Python,
        [
            Path.Combine(Peers.PythonScripts, "node_client.py"), "--target", fixture.ProvinceTarget,
            "--certificate", fixture.Certificate, "--name", fixture.HolderName, "--ca", fixture.CaPath,
        ]);
        var exitCode = await client.WaitForExitAsync();

        // Health and reflection are open to anyone; a record is not: UNAUTHENTICATED, nothing of it disclosed.
        Assert.Equal(1, exitCode);
        AssertSteps(client.Output, "health", "reflection");
        Assert.Contains("UNAUTHENTICATED", client.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.HolderName, client.Output, StringComparison.Ordinal);
    }

    private static void AssertSteps(string output, params string[] steps)
    {
        foreach (var step in steps)
        {
            Assert.Contains($"OK: {step}", output, StringComparison.Ordinal);
        }
    }

    // The province took the query and the city answered it from its own data.
    private static void AssertRoutedLive(string output, string freshness)
    {
        var line = output.Split('\n').Single(l => l.StartsWith("answer: ", StringComparison.Ordinal));
        using var answer = JsonDocument.Parse(line["answer: ".Length..]);
        Assert.Equal("province-440000", answer.RootElement.GetProperty("answeringNode").GetString());
        Assert.Equal(["province-440000", "city-440100"], answer.RootElement.GetProperty("route").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(freshness, answer.RootElement.GetProperty("freshness").GetString());
    }
}
