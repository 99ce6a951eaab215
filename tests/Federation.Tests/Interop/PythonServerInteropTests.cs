using Federation.Interop;
using Federation.Testing;
using Grpc.Net.Client;
using Xunit;

namespace Federation.Tests.Interop;

/// <summary>Our client runs the interop cases against Debian's python3-grpcio (gRPC C core) server.</summary>
public sealed class PythonServerInteropTests(PythonServerInteropTests.ServerFixture fixture) : IClassFixture<PythonServerInteropTests.ServerFixture>
{
    public static TheoryData<string> Cases => [.. InteropClient.TestCases];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurClient_AgainstPythonServer_Passes(string testCase)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Port}");
        // The C-core Python API cannot observe request compression, so that server does not
        // implement the optional CompressedRequest feature and our client waives its probe
        // (the compressed calls are still made and their results checked).
        var client = new InteropClient(channel.CreateCallInvoker(), requireCompressionProbe: false);
        await client.RunAsync(testCase).DefaultTimeout();
    }

    public sealed class ServerFixture : IAsyncLifetime
    {
        private ExternalProcess _server = null!;

        public int Port { get; private set; }

        public async Task InitializeAsync()
        {
            _server = ExternalProcess.Start(Peers.Python, [Path.Combine(Peers.PythonScripts, "interop_server.py"), "--port=0", "--max_seconds=900"]);
            var match = await _server.WaitForLineAsync(@"Server listening on 127\.0\.0\.1:(\d+)");
            Port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        public async Task DisposeAsync() => await _server.DisposeAsync();
    }
}
