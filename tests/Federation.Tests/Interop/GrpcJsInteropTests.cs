using Federation.Testing;
using Xunit;

namespace Federation.Tests.Interop;

/// <summary>npm's @grpc/grpc-js makes unary and streaming calls against our server.</summary>
public sealed class GrpcJsInteropTests
{
    [Fact]
    public async Task GrpcJsClient_UnaryAndStreaming_AgainstOurServer_Pass()
    {
        // Arrange
        var node = Peers.Node;
        await using var server = await InteropServerProcess.StartAsync();

        // Act
        await using var client = ExternalProcess.Start(node, [Path.Combine(Peers.NodePeers, "grpcjs_client.js"), $"127.0.0.1:{server.Port}"]);
        var exitCode = await client.WaitForExitAsync();

        // Assert
        Assert.True(exitCode == 0, $"grpc-js client failed (exit {exitCode}):\n{client.Output}");
        foreach (var testCase in new[] { "empty_unary", "large_unary", "server_streaming", "client_streaming", "ping_pong", "custom_metadata", "status_code_and_message", "unimplemented_method" })
        {
            Assert.Contains($"OK: {testCase}", client.Output, StringComparison.Ordinal);
        }
    }
}
