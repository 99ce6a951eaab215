using System.Net;
using System.Net.Sockets;
using Federation.Node.Configuration;
using Federation.Node.Exchange;
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
    private WebApplication _child = null!;
    private ConnectionSwitch _switch = null!;

    public async Task InitializeAsync()
    {
        _child = await StartChildAsync();
        var childPort = new Uri(_child.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        _switch = new ConnectionSwitch(childPort);
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
        _switch.Dispose();
        await _child.DisposeAsync();
        _directory.Dispose();
    }

    // The parent reaches the child through the switch, so the child can go away and come back in
    // an instant: a real restart takes long enough for a channel's back-off to run out by chance,
    // which hid the fault this test is for.
    private ChildOptions Child => new() { Id = "city-440100", DivisionCode = "440100", Address = $"http://127.0.0.1:{_switch.Port}" };

    [Fact]
    public async Task Verification_FirstCallAfterTheChildReturns_ReachesItOnceThePullHas()
    {
        // Arrange: the child answers, then goes away; routed verifications find it gone for long
        // enough that a channel's reconnect back-off grows to its longest (1 s).
        var clients = _parent.GetRequiredService<ChildClients>();
        var request = new PublicCheckRequest { CertificateNumber = "4401002026000001", Name = "张三" };
        Assert.True((await clients.Verification(Child).PublicCheckAsync(request, deadline: Deadline()).ResponseAsync.DefaultTimeout()).Genuine);
        _switch.Disconnect();
        var failures = 0;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var gone = await Assert.ThrowsAsync<RpcException>(() => clients.Verification(Child).PublicCheckAsync(request, deadline: Deadline()).ResponseAsync.DefaultTimeout());
            Assert.Equal(StatusCode.Unavailable, gone.StatusCode);
            failures++;
            await Task.Delay(TimeSpan.FromMilliseconds(75));
        }

        // Act: the child is back; the pull reaches it (as ChildPuller does, through the reconnect
        // retry), and the very next verification is routed to it.
        _switch.Connect();
        var manifest = await ChildClients.ReconnectRetry.ExecuteAsync(async token =>
            await clients.Exchange(Child).GetManifestAsync(new GetManifestRequest(), deadline: Deadline(), cancellationToken: token)).AsTask().DefaultTimeout();
        var answer = await clients.Verification(Child).PublicCheckAsync(request, deadline: Deadline()).ResponseAsync.DefaultTimeout();

        // Assert: answered by the child itself, not refused by a channel still backing off (with
        // a channel per service, as before issue 22, this call failed with Unavailable).
        Assert.Equal(40, failures);
        Assert.Equal("city-440100", manifest.NodeId);
        Assert.True(answer.Genuine);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

    private static async Task<WebApplication> StartChildAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
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

    /// <summary>
    /// A TCP relay to the child on a port of its own: connected, it accepts connections and relays
    /// them; disconnected, it stops listening and drops every relayed connection, so connecting
    /// is refused at once — the child as seen from the parent goes away and comes back instantly.
    /// </summary>
    private sealed class ConnectionSwitch : IDisposable
    {
        private readonly int _target;
        private readonly object _gate = new();
        private readonly List<Socket> _open = [];
        private TcpListener? _listener;

        public ConnectionSwitch(int target)
        {
            _target = target;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Connect();
        }

        public int Port { get; }

        public void Connect()
        {
            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            lock (_gate)
            {
                _listener = listener;
            }
            _ = AcceptAsync(listener);
        }

        public void Disconnect()
        {
            lock (_gate)
            {
                _listener?.Stop();
                _listener = null;
                foreach (var socket in _open)
                {
                    socket.Dispose();
                }
                _open.Clear();
            }
        }

        public void Dispose() => Disconnect();

        private async Task AcceptAsync(TcpListener listener)
        {
            while (true)
            {
                Socket inbound;
                try
                {
                    inbound = await listener.AcceptSocketAsync();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await outbound.ConnectAsync(IPAddress.Loopback, _target);
                lock (_gate)
                {
                    if (_listener != listener)
                    {
                        inbound.Dispose();
                        outbound.Dispose();
                        return;
                    }
                    _open.Add(inbound);
                    _open.Add(outbound);
                }
                _ = PumpAsync(inbound, outbound);
                _ = PumpAsync(outbound, inbound);
            }
        }

        private static async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await from.ReceiveAsync(buffer)) > 0)
                {
                    await to.SendAsync(buffer.AsMemory(0, read));
                }
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Disconnected: the other pump or the switch has closed the sockets.
            }
        }
    }
}
