using System.Net;
using Federation.Node.Exchange;
using Federation.Node.Hosting;
using Federation.Protocol.V1;
using Federation.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Federation.Node.Tests.Exchange;

/// <summary>
/// A parent's clients of a child share one channel (issue 22): when the pull has reached a child
/// that came back, the next routed verification reaches it too, instead of failing at once on a
/// verification channel of its own that is still waiting out its reconnect back-off.
/// </summary>
public sealed class ChildClientsTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private ServiceProvider _parent = null!;
    private WebApplication? _child;
    private int _port;

    public async Task InitializeAsync()
    {
        _child = await StartChildAsync(0);
        _port = new Uri(_child.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new Node.Security.RevocationList(
            new Node.Security.SecurityPaths(null, null, _directory.File("audit.key"), _directory.File("security.db")), null, TimeProvider.System,
            NullLogger<Node.Security.RevocationList>.Instance));
        ChildClients.Register(services, [Child], new ChildTlsSettings(null, null, null), 4 * 1024 * 1024);
        _parent = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _parent.DisposeAsync();
        if (_child is not null)
        {
            await _child.DisposeAsync();
        }
        _directory.Dispose();
    }

    private ChildOptions Child => new() { Id = "city-440100", DivisionCode = "440100", Address = $"http://127.0.0.1:{_port}" };

    [Fact]
    public async Task Verification_FirstCallAfterTheChildReturns_ReachesItOnceThePullHas()
    {
        // Arrange: the child answers, then goes away, and a routed verification finds it gone.
        var clients = _parent.GetRequiredService<ChildClients>();
        var request = new PublicCheckRequest { CertificateNumber = "4401002026000001", Name = "张三" };
        Assert.True((await clients.Verification(Child).PublicCheckAsync(request, deadline: Deadline()).ResponseAsync.DefaultTimeout()).Genuine);
        await _child!.StopAsync();
        await _child.DisposeAsync();
        _child = null;
        var gone = await Assert.ThrowsAsync<RpcException>(() => clients.Verification(Child).PublicCheckAsync(request, deadline: Deadline()).ResponseAsync.DefaultTimeout());
        Assert.Equal(StatusCode.Unavailable, gone.StatusCode);

        // Act: the child is back on its address; the pull reaches it (as ChildPuller does, through
        // the reconnect retry), and the very next verification is routed to it.
        _child = await StartChildAsync(_port);
        var manifest = await ChildClients.ReconnectRetry.ExecuteAsync(async token =>
            await clients.Exchange(Child).GetManifestAsync(new GetManifestRequest(), deadline: Deadline(), cancellationToken: token)).AsTask().DefaultTimeout();
        var answer = await clients.Verification(Child).PublicCheckAsync(request, deadline: Deadline()).ResponseAsync.DefaultTimeout();

        // Assert: answered by the child itself, not refused by a channel still backing off.
        Assert.Equal("city-440100", manifest.NodeId);
        Assert.True(answer.Genuine);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

    private static async Task<WebApplication> StartChildAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<FakeVerification>();
        app.MapGrpcService<FakeExchange>();
        await app.StartAsync().DefaultTimeout();
        return app;
    }

    private sealed class FakeVerification : Protocol.V1.Verification.VerificationBase
    {
        public override Task<PublicCheckResponse> PublicCheck(PublicCheckRequest request, ServerCallContext context) =>
            Task.FromResult(new PublicCheckResponse { Genuine = true });
    }

    private sealed class FakeExchange : Protocol.V1.Exchange.ExchangeBase
    {
        public override Task<SnapshotManifest> GetManifest(GetManifestRequest request, ServerCallContext context) =>
            Task.FromResult(new SnapshotManifest { NodeId = "city-440100" });
    }
}
