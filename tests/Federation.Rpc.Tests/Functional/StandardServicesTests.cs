using Federation.Interop;
using Federation.Protocol;
using Federation.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Grpc.Reflection.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Alpha = Grpc.Reflection.V1Alpha;

namespace Federation.Rpc.Tests.Functional;

public sealed class StandardServicesTests : IAsyncLifetime
{
    private InProcessServer _server = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(
            services => services.AddGrpc().AddStandardServices(),
            app =>
            {
                app.MapGrpcService<TestServiceImpl>();
                app.MapStandardServices();
            });
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task HealthCheck_UnknownService_IsNotFound_KnownIsServing()
    {
        var client = new Health.HealthClient(_channel);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest { Service = "nope" }).ResponseAsync).DefaultTimeout();
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);

        _server.Services.GetRequiredService<HealthServiceImpl>().SetStatus("grpc.testing.TestService", HealthCheckResponse.Types.ServingStatus.Serving);
        var response = await client.CheckAsync(new HealthCheckRequest { Service = "grpc.testing.TestService" }).ResponseAsync.DefaultTimeout();
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);

        var list = await client.ListAsync(new HealthListRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, list.Statuses["grpc.testing.TestService"].Status);
    }

    [Fact]
    public async Task HealthWatch_SeesUnknownThenEveryChange()
    {
        var health = _server.Services.GetRequiredService<HealthServiceImpl>();
        using var call = new Health.HealthClient(_channel).Watch(new HealthCheckRequest { Service = "watched" });
        var stream = call.ResponseStream;

        Assert.True(await stream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.ServiceUnknown, stream.Current.Status);

        health.SetStatus("watched", HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.True(await stream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, stream.Current.Status);

        health.SetStatus("watched", HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.True(await stream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, stream.Current.Status);
    }

    [Fact]
    public async Task Reflection_ListServices_NamesEveryMappedService()
    {
        var response = await AskAsync(new ServerReflectionRequest { ListServices = "*" });
        var names = response.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Equal(["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "grpc.testing.TestService"], names);
    }

    [Theory]
    [InlineData("grpc.testing.TestService")]
    [InlineData("grpc.testing.TestService.UnaryCall")]
    [InlineData("grpc.testing.SimpleRequest")]
    [InlineData("grpc.testing.PayloadType")]
    public async Task Reflection_FileContainingSymbol_RequestedFileFirstThenImports(string symbol)
    {
        var response = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = symbol, Host = "h" });

        var files = response.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes)).ToList();
        var expectedFirst = symbol.Contains("TestService", StringComparison.Ordinal) ? "grpc/testing/test.proto" : "grpc/testing/messages.proto";
        Assert.Equal(expectedFirst, files[0].Name);
        var names = files.Select(f => f.Name).ToHashSet();
        foreach (var file in files)
        {
            Assert.All(file.Dependency, dependency => Assert.Contains(dependency, names));
        }
        Assert.Equal("h", response.ValidHost);
        Assert.Equal(symbol, response.OriginalRequest.FileContainingSymbol);
    }

    [Fact]
    public async Task Reflection_UnknownSymbol_IsInBandNotFoundAndStreamStaysOpen()
    {
        using var call = new ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "no.Such" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal((int)StatusCode.NotFound, call.ResponseStream.Current.ErrorResponse.ErrorCode);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileByFilename = "grpc/testing/empty.proto" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Single(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task ReflectionV1Alpha_AnswersLikeV1()
    {
        using var call = new Alpha.ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Alpha.ServerReflectionRequest { AllExtensionNumbersOfType = "grpc.testing.SimpleRequest" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal("grpc.testing.SimpleRequest", call.ResponseStream.Current.AllExtensionNumbersResponse.BaseTypeName);
        await call.RequestStream.CompleteAsync();
    }

    private async Task<ServerReflectionResponse> AskAsync(ServerReflectionRequest request)
    {
        using var call = new ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(request).DefaultTimeout();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        var response = call.ResponseStream.Current;
        await call.RequestStream.CompleteAsync().DefaultTimeout();
        return response;
    }
}
