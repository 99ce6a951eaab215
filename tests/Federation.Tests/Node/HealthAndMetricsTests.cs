using Federation.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using System.Text.RegularExpressions;
using Xunit;

namespace Federation.Tests.Node;

/// <summary>
/// grpc.health.v1 per service, driven by real checks, NOT_SERVING at shutdown for watchers; and
/// the Prometheus endpoint on its own port with the node's and the frameworks' metrics.
/// </summary>
public sealed class HealthAndMetricsTests
{
    [Fact]
    public async Task EveryService_HasItsOwnStatus_AndAStoreThatDoesNotAnswer_TakesDownOnlyWhatNeedsIt()
    {
        using var directory = new TempDirectory();
        await using var node = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        using var channel = node.Channel();
        var health = new Health.HealthClient(channel);

        // Every service reflection lists (issue 22: Accounts, Audit and Registration had none) and
        // the node as a whole; reflection itself and health are the tools, not services with a status.
        var services = await ReflectedServicesAsync(channel);
        Assert.Contains("federation.v1.Registration", services);
        Assert.Contains("federation.v1.Accounts", services);
        Assert.Contains("federation.v1.Audit", services);
        foreach (var service in services.Where(s => !s.StartsWith("grpc.", StringComparison.Ordinal)).Prepend(""))
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
        // Check answers from the published results: the change shows at the next publish (10 s).
        using (var watch = health.Watch(new HealthCheckRequest { Service = "federation.v1.Verification" }, deadline: DateTime.UtcNow.AddSeconds(60)))
        {
            while (await watch.ResponseStream.MoveNext(CancellationToken.None) && watch.ResponseStream.Current.Status != HealthCheckResponse.Types.ServingStatus.NotServing)
            {
            }
        }
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(health, "federation.v1.Verification"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(health, ""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(health, "federation.v1.Admin"));
    }

    // Issue 20 item 6: an anonymous Check runs no check — it reads the last published results —
    // so a flood of them writes nothing (each used to write and delete a file in the upload
    // spool, and read the store).
    [Fact]
    public async Task Check_AnswersFromThePublishedResults_AndWritesNothingPerCall()
    {
        // Arrange
        using var directory = new TempDirectory();
        await using var node = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        using var channel = node.Channel();
        var health = new Health.HealthClient(channel);
        var spool = Path.Combine(directory.Path, "data", "uploads");
        Directory.CreateDirectory(spool);
        var probes = 0;
        using var watcher = new FileSystemWatcher(spool) { IncludeSubdirectories = false };
        watcher.Created += (_, e) =>
        {
            if (e.Name?.StartsWith(".health-", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref probes);
            }
        };
        watcher.EnableRaisingEvents = true;

        // Act
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(health, i % 2 == 0 ? "" : "federation.v1.Ingest"));
        }

        // Assert: at most the publisher's own runs (one every 10 s), not one per call
        Assert.True(Volatile.Read(ref probes) <= 3, $"{probes} spool probes were written during 300 checks");
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
        // A stop asked for is no error: nothing at Error level (issue 22: the health check
        // service logged the stopping node's "lifecycle" check as Unhealthy at Error).
        Assert.DoesNotContain(" ERR] ", node.Output, StringComparison.Ordinal);
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
        // A refused call (no account): HTTP 200 like every gRPC answer, UNAUTHENTICATED (16) in gRPC.
        using var anonymous = node.Channel(account: null);
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Protocol.V1.Admin.AdminClient(anonymous)
            .GetNodeStatusAsync(new Protocol.V1.GetNodeStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);

        // The server records a call's metrics as the call ends, which may be just after the client
        // has its answer: scrape until both calls are there (or fail with the last scrape).
        using var http = new HttpClient();
        const string RefusedCall = @"(?m)^http_server_request_duration_seconds_count\{(?=[^}]*rpc_grpc_status_code=""16"")(?=[^}]*rpc_method=""GetNodeStatus"")(?=[^}]*rpc_service=""federation\.v1\.Admin"")(?=[^}]*rpc_system=""grpc"")[^}]*\} 1\b";
        const string AnsweredCall = @"(?m)^http_server_request_duration_seconds_count\{(?=[^}]*rpc_grpc_status_code=""0"")(?=[^}]*rpc_method=""VerifyCertificate"")[^}]*\} 1\b";
        var text = await Poll.UntilAsync(() => http.GetStringAsync(node.Metrics).DefaultTimeout(),
            scrape => Regex.IsMatch(scrape, RefusedCall) && Regex.IsMatch(scrape, AnsweredCall), TimeSpan.FromSeconds(10), "both calls in the metrics", TimeSpan.FromMilliseconds(200));
        // Process and runtime (the instrumentation packages), Unix times as _timestamp_seconds, no scope labels.
        Assert.Contains("process_cpu_time_seconds_total", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_thread_pool_thread_count", text, StringComparison.Ordinal);
        Assert.Contains("federation_store_sealed_period_timestamp_seconds", text, StringComparison.Ordinal);
        Assert.DoesNotContain("otel_scope_name", text, StringComparison.Ordinal);

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

    private static async Task<List<string>> ReflectedServicesAsync(Grpc.Net.Client.GrpcChannel channel)
    {
        using var call = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)];
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(Health.HealthClient health, string service) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(30))).Status;
}
