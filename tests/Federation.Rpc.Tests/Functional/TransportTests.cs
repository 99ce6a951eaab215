using System.Security.Cryptography.X509Certificates;
using Federation.Interop;
using Federation.Testing;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Federation.Rpc.Tests.Functional;

/// <summary>TLS, client certificates, interceptors, compression and connection pooling.</summary>
public sealed class TransportTests
{
    [Fact]
    public async Task Tls_ClientCertificate_IsVerifiedAndReportedInAuthContext()
    {
        // Arrange
        using var authority = TestCertificates.CreateCertificateAuthority();
        using var serverCertificate = TestCertificates.CreateServerCertificate(authority);
        using var clientCertificate = TestCertificates.CreateClientCertificate(authority, "province-440000");
        var state = new ProbeState();
        await using var server = await InProcessServer.StartAsync(
            services => services.AddSingleton(state).AddGrpc(),
            app => app.MapGrpcService<ProbeService>(),
            configureListen: listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) => TestCertificates.ChainsTo(certificate, authority),
            }));
        var handler = GrpcChannel.CreateDefaultHandler();
        handler.SslOptions.ClientCertificates = [clientCertificate];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && TestCertificates.ChainsTo(new X509Certificate2(certificate), authority);
        using var channel = GrpcChannel.ForAddress($"https://localhost:{server.Address.Port}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });

        // Act
        await new TestService.TestServiceClient(channel).EmptyCallAsync(new Empty()).ResponseAsync.DefaultTimeout();

        // Assert
        Assert.Equal("province-440000", state.LastClientCertificateName);
    }

    [Fact]
    public async Task Tls_UntrustedServer_IsUnavailableWithReason()
    {
        using var authority = TestCertificates.CreateCertificateAuthority();
        using var serverCertificate = TestCertificates.CreateServerCertificate(authority);
        await using var server = await InProcessServer.StartAsync(
            services => services.AddGrpc(),
            app => app.MapGrpcService<TestServiceImpl>(),
            configureListen: listen => listen.UseHttps(serverCertificate));
        using var channel = GrpcChannel.ForAddress($"https://localhost:{server.Address.Port}");

        var ex = await Assert.ThrowsAsync<RpcException>(() => new TestService.TestServiceClient(channel).EmptyCallAsync(new Empty()).ResponseAsync).DefaultTimeout();

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task Interceptor_RejectsCallWithoutToken_AndPassesCallWithIt()
    {
        await using var server = await InProcessServer.StartAsync(
            services => services.AddGrpc(o => o.Interceptors.Add<RequireTokenInterceptor>("s3cret")),
            app => app.MapGrpcService<TestServiceImpl>());
        using var channel = server.CreateChannel();
        var client = new TestService.TestServiceClient(channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EmptyCallAsync(new Empty()).ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Contains("/grpc.testing.TestService/EmptyCall", ex.Status.Detail);

        await client.EmptyCallAsync(new Empty(), new Metadata { { "authorization", "Bearer s3cret" } }).ResponseAsync.DefaultTimeout();

        // Streaming calls go through the interceptor too.
        using var stream = client.StreamingOutputCall(new StreamingOutputCallRequest());
        var streamEx = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None)).DefaultTimeout();
        Assert.Equal(StatusCode.Unauthenticated, streamEx.StatusCode);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Compression_BothDirections_RoundTrips(string encoding)
    {
        await using var server = await InProcessServer.StartAsync(
            services => services.AddGrpc(o => o.ResponseCompressionAlgorithm = encoding),
            app => app.MapGrpcService<TestServiceImpl>());
        using var channel = server.CreateChannel();
        var client = new TestService.TestServiceClient(channel);
        var request = new SimpleRequest
        {
            ResponseSize = 100_000,
            ExpectCompressed = new BoolValue { Value = true },
            Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[50_000]) },
        };

        using var call = client.UnaryCallAsync(request, new Metadata { { "grpc-internal-encoding-request", encoding } });
        var response = await call.ResponseAsync.DefaultTimeout();

        Assert.Equal(100_000, response.Payload.Body.Length);
    }

    [Fact]
    public async Task Compression_ZipBombOverReceiveLimit_IsResourceExhausted()
    {
        await using var server = await InProcessServer.StartAsync(
            services => services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024),
            app => app.MapGrpcService<TestServiceImpl>());
        using var channel = server.CreateChannel();
        // 1 MB of zeros compresses to ~1 KB: small on the wire, far over the limit once inflated.
        var request = new SimpleRequest { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[1024 * 1024]) } };

        var ex = await Assert.ThrowsAsync<RpcException>(() => new TestService.TestServiceClient(channel)
            .UnaryCallAsync(request, new Metadata { { "grpc-internal-encoding-request", "gzip" } }).ResponseAsync).DefaultTimeout();

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Decompressed", ex.Status.Detail);
    }

    [Fact]
    public async Task Connections_StreamLimitReached_ClientOpensAnotherConnection()
    {
        // Arrange: one stream per connection, so concurrent calls need several connections
        var state = new ProbeState();
        await using var server = await InProcessServer.StartAsync(
            services => services.AddSingleton(state).AddGrpc(),
            app => app.MapGrpcService<ProbeService>(),
            configureKestrel: kestrel => kestrel.Limits.Http2.MaxStreamsPerConnection = 1);
        using var channel = server.CreateChannel();
        var client = new TestService.TestServiceClient(channel);

        // Act
        var calls = Enumerable.Range(0, 3).Select(_ => client.UnaryCallAsync(new SimpleRequest { ResponseSize = -3 })).ToList();
        while (state.ConnectionIds.Values.Sum() < 3)
        {
            await Task.Delay(20).DefaultTimeout();
        }
        state.Release.SetResult();
        await Task.WhenAll(calls.Select(c => c.ResponseAsync)).DefaultTimeout();

        // Assert
        Assert.Equal(3, state.ConnectionIds.Count);
    }

    private sealed class RequireTokenInterceptor(string token) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(request, context);
        }

        public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
            ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(request, responseStream, context);
        }

        private void Check(ServerCallContext context)
        {
            if (context.RequestHeaders.GetValue("authorization") != $"Bearer {token}")
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, $"A bearer token is required for {context.Method}."));
            }
        }
    }
}
