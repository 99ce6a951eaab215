using Federation.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit;

namespace Federation.Tests.Node;

/// <summary>
/// grpc.health.v1 per service, driven by real checks, NOT_SERVING at shutdown for watchers; and
/// the Prometheus endpoint on its own port with the node's and the frameworks' metrics.
/// </summary>
public sealed class HealthAndMetricsTests
{
    private static readonly string[] Services =
        ["", "federation.v1.Admin", "federation.v1.Statistics", "federation.v1.Verification", "federation.v1.Exchange", "federation.v1.Ingest"];

    [Fact]
    public async Task EveryService_HasItsOwnStatus_AndAStoreThatDoesNotAnswer_TakesDownOnlyWhatNeedsIt()
    {
        using var directory = new TempDirectory();
        await using var node = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        using var channel = node.Channel();
        var health = new Health.HealthClient(channel);

        foreach (var service in Services)
        {
            Assert.Equal((service, HealthCheckResponse.Types.ServingStatus.Serving), (service, await StatusAsync(health, service)));
        }
        var unknown = await Assert.ThrowsAsync<RpcException>(() => StatusAsync(health, "no.such.Service"));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        // The store's file goes away (a disk unmounted under the node): what reads it stops
        // serving; Admin stays up so an operator can ask the node what is wrong.
        var store = Path.Combine(directory.Path, "data", "city-440100.db");
        Directory.CreateDirectory(directory.File("moved"));
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(store)!, "city-440100.db*"))
        {
            File.Move(file, Path.Combine(directory.File("moved"), Path.GetFileName(file)));
        }
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(health, "federation.v1.Verification"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(health, ""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(health, "federation.v1.Admin"));
    }

    [Fact]
    public async Task Watch_SeesNotServing_WhenTheNodeStartsShuttingDown()
    {
        using var directory = new TempDirectory();
        await using var node = await NodeProcess.StartAsync(directory.Path, "city-440300", "city", "440300");
        using var channel = node.Channel();
        using var watch = new Health.HealthClient(channel).Watch(new HealthCheckRequest { Service = "federation.v1.Verification" },
            deadline: DateTime.UtcNow.AddMinutes(1));

        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        node.Signal("TERM");
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None), "the watch ended without a NOT_SERVING");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        Assert.Equal(0, await node.Process.WaitForExitAsync());
    }

    [Fact]
    public async Task Metrics_AreServedOnTheirOwnPort_WithTheNodesAndTheFrameworksMeters()
    {
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        await NodeProcess.EditConfigAsync(config, json => json["Server"]!["MetricsListen"] = "http://127.0.0.1:0");
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        Assert.NotNull(node.Metrics);
        Assert.NotEqual(node.Address.Port, node.Metrics.Port);
        using var channel = node.Channel();
        var client = new Protocol.V1.Verification.VerificationClient(channel);
        // A well-formed number nobody issued: a verification answered "not found".
        var answer = await client.VerifyCertificateAsync(new Protocol.V1.VerifyCertificateRequest { CertificateNumber = "4401061019000001" },
            deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.False(answer.Found);

        using var http = new HttpClient();
        var text = await http.GetStringAsync(node.Metrics).DefaultTimeout();

        Assert.Contains("federation_store_size_bytes", text, StringComparison.Ordinal);
        Assert.Contains("federation_verification_answers_total{", text, StringComparison.Ordinal);
        Assert.Matches("federation_verification_answers_total\\{[^}]*freshness=\"not_found\"[^}]*method=\"VerifyCertificate\"[^}]*\\} 1", text);
        Assert.Contains("federation_verification_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        // The gRPC endpoint does not serve the metrics.
        using var tls = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && node.Pki.Authority.Issuer == certificate.Issuer },
        });
        using var onGrpcPort = await tls.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(node.Address, "/metrics"))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        }).DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, onGrpcPort.StatusCode);
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(Health.HealthClient health, string service) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(30))).Status;
}
