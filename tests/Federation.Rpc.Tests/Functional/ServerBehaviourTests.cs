using System.Net;
using System.Net.Http.Headers;
using Federation.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Federation.Rpc.Tests.Functional;

public sealed class ServerBehaviourTests : IAsyncLifetime
{
    private readonly ProbeState _state = new();
    private readonly RecordingLoggerProvider _logs = new();
    private InProcessServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(
            services =>
            {
                services.AddSingleton(_state);
                services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024);
            },
            app => app.MapGrpcService<ProbeService>(),
            loggerProvider: _logs);
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    private TestService.TestServiceClient Client => new(_channel);

    [Fact]
    public async Task Call_UnknownService_IsUnimplementedTrailersOnly()
    {
        var invoker = _channel.CreateCallInvoker();
        var method = new Method<Empty, Empty>(MethodType.Unary, "no.such.Service", "Call", Marshaller(), Marshaller());
        var ex = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(method, null, new CallOptions(), new Empty()).ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Equal("Service is unimplemented.", ex.Status.Detail);
    }

    [Fact]
    public async Task Call_UnknownMethodOfKnownService_IsUnimplemented()
    {
        var invoker = _channel.CreateCallInvoker();
        var method = new Method<Empty, Empty>(MethodType.Unary, "grpc.testing.TestService", "NoSuchMethod", Marshaller(), Marshaller());
        var ex = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(method, null, new CallOptions(), new Empty()).ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Equal("Method is unimplemented.", ex.Status.Detail);
    }

    [Fact]
    public async Task Deadline_HandlerWaits_ClientGetsDeadlineExceededAndServerTokenIsCancelled()
    {
        // Arrange
        var deadline = DateTime.UtcNow.AddMilliseconds(300);

        // Act
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryCallAsync(new SimpleRequest { ResponseSize = -1 }, deadline: deadline).ResponseAsync).DefaultTimeout();

        // Assert
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(await _state.HandlerCancelled.Task.DefaultTimeout());
        Assert.InRange(_state.LastDeadline, deadline.AddSeconds(-1), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task Cancellation_ClientCancels_ServerHandlerTokenIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        var call = Client.UnaryCallAsync(new SimpleRequest { ResponseSize = -1 }, cancellationToken: cts.Token);
        var context = await _state.CallStarted.Task.DefaultTimeout();
        Assert.Equal(DateTime.MaxValue, context.Deadline);

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.True(await _state.HandlerCancelled.Task.DefaultTimeout());
    }

    [Fact]
    public async Task ReceiveLimit_RequestOverServerLimit_IsResourceExhausted()
    {
        var request = new SimpleRequest { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[100_000]) } };
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryCallAsync(request).ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        // The node survives: the next call works.
        await Client.EmptyCallAsync(new Empty()).ResponseAsync.DefaultTimeout();
    }

    [Fact]
    public async Task ReceiveLimit_ResponseOverClientLimit_IsResourceExhausted()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1000 });
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new TestService.TestServiceClient(channel).UnaryCallAsync(new SimpleRequest { ResponseSize = 5000 }).ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task SendLimit_RequestOverClientLimit_FailsLocally()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 100 });
        var request = new SimpleRequest { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[1000]) } };
        var ex = await Assert.ThrowsAsync<RpcException>(() => new TestService.TestServiceClient(channel).UnaryCallAsync(request).ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Sending message", ex.Status.Detail);
    }

    [Fact]
    public async Task Handler_ThrowsPlainException_IsUnknownAndLoggedAsError()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryCallAsync(new SimpleRequest { ResponseSize = -2 }).ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Equal("Exception was thrown by handler.", ex.Status.Detail);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Error && e.EventId.Name == "ErrorExecutingServiceMethod" && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Peer_IsReportedInGrpcForm()
    {
        await Client.EmptyCallAsync(new Empty()).ResponseAsync.DefaultTimeout();
        Assert.StartsWith("ipv4:127.0.0.1:", _state.LastPeer);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0, 0, 0, 0 }, 13)]
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 1 }, 13)]
    [InlineData(new byte[] { 0, 0, 0, 0 }, 13)]
    public async Task MalformedFraming_RawRequest_GetsErrorStatusAndServerSurvives(byte[] body, int expectedStatus)
    {
        // Arrange: a raw HTTP/2 request, bypassing our client's framing
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, "/grpc.testing.TestService/EmptyCall")) { Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("te", "trailers");

        // Act
        using var response = await http.SendAsync(request).DefaultTimeout();
        await response.Content.ReadAsByteArrayAsync().DefaultTimeout();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = response.Headers.TryGetValues("grpc-status", out var inHeaders) ? inHeaders : response.TrailingHeaders.GetValues("grpc-status");
        Assert.Equal(expectedStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), status.Single());
        await Client.EmptyCallAsync(new Empty()).ResponseAsync.DefaultTimeout();
    }

    [Fact]
    public async Task ContentType_NotGrpc_Is415WithStatus()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.PostAsync(new Uri(_server.Address, "/grpc.testing.TestService/EmptyCall"), new StringContent("{}")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("13", response.Headers.GetValues("grpc-status").Single());
    }

    private static Marshaller<Empty> Marshaller() => Marshallers.Create<Empty>(m => Google.Protobuf.MessageExtensions.ToByteArray(m), Empty.Parser.ParseFrom);
}
