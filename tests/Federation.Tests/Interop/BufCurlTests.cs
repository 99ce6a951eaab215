using System.Text.Json;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Interop;

/// <summary>
/// npm's buf curl, a Go gRPC client that knows nothing of our protos, discovers a running node
/// through server reflection and calls it — what an administrator does with grpcurl-style tools.
/// </summary>
public sealed class BufCurlTests(BufCurlTests.NodeFixture fixture) : IClassFixture<BufCurlTests.NodeFixture>
{
    [Theory]
    [InlineData("grpc-v1")]
    [InlineData("grpc-v1alpha")]
    public async Task ListServices_ThroughReflection_NamesTheNodesServices(string reflectProtocol)
    {
        var output = await BufAsync(["curl", "--protocol", "grpc", .. fixture.SignIn, "--reflect-protocol", reflectProtocol, "--list-services", fixture.Node.Address.ToString()]);
        var services = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("federation.v1.Admin", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1.ServerReflection", services);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);
    }

    [Fact]
    public async Task GetNodeStatus_ThroughReflection_ReturnsIdentity()
    {
        var output = await BufAsync(["curl", "--protocol", "grpc", .. fixture.SignIn, "-d", "{}",
            new Uri(fixture.Node.Address, "/federation.v1.Admin/GetNodeStatus").ToString()]);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("city-440300", json.RootElement.GetProperty("nodeId").GetString());
        Assert.Equal("NODE_LEVEL_CITY", json.RootElement.GetProperty("level").GetString());
        Assert.Equal("440300", json.RootElement.GetProperty("divisionCode").GetString());
        Assert.Equal("深圳市", json.RootElement.GetProperty("divisionName").GetString());
        Assert.EndsWith("s", json.RootElement.GetProperty("uptime").GetString());
    }

    [Fact]
    public async Task HealthCheck_ThroughReflection_IsServing()
    {
        var output = await BufAsync(["curl", "--protocol", "grpc", .. fixture.SignIn, "-d", "{\"service\":\"\"}",
            new Uri(fixture.Node.Address, "/grpc.health.v1.Health/Check").ToString()]);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("SERVING", json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnknownMethod_IsReportedAsFailure()
    {
        await using var process = ExternalProcess.Start(Peers.Buf, ["curl", "--protocol", "grpc", .. fixture.SignIn, "-d", "{}",
            new Uri(fixture.Node.Address, "/federation.v1.Admin/NoSuchMethod").ToString()]);
        var exitCode = await process.WaitForExitAsync();
        Assert.NotEqual(0, exitCode);
    }

    private static async Task<string> BufAsync(string[] arguments)
    {
        await using var process = ExternalProcess.Start(Peers.Buf, arguments);
        var exitCode = await process.WaitForExitAsync();
        Assert.True(exitCode == 0, $"buf {string.Join(' ', arguments)} failed (exit {exitCode}):\n{process.Output}");
        return process.Output;
    }

    public sealed class NodeFixture : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();

        public NodeProcess Node { get; private set; } = null!;

        /// <summary>buf curl's options for the node's CA and the harness's account certificate.</summary>
        public string[] SignIn =>
            ["--cacert", Node.Pki.CaPath, "--cert", Path.Combine(Node.Pki.Directory, TestPki.Tester + ".pem"), "--key", Path.Combine(Node.Pki.Directory, TestPki.Tester + ".key")];

        public async Task InitializeAsync()
        {
            _ = Peers.Buf; // fail fast, with the install hint, when the peer is missing
            Node = await NodeProcess.StartAsync(_directory.Path, "city-440300", "city", "440300");
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            _directory.Dispose();
        }
    }
}
