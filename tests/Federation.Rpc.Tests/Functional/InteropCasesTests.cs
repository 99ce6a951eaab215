using Federation.Interop;
using Federation.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Federation.Rpc.Tests.Functional;

/// <summary>Our client against our server, every interop case, over real HTTP/2 on loopback.</summary>
public sealed class InteropCasesTests(InteropCasesTests.ServerFixture fixture) : IClassFixture<InteropCasesTests.ServerFixture>
{
    public static TheoryData<string> Cases => [.. InteropClient.TestCases];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task InteropCase_OurClientAgainstOurServer_Passes(string testCase)
    {
        using var channel = fixture.Server.CreateChannel();
        await new InteropClient(channel.CreateCallInvoker()).RunAsync(testCase).DefaultTimeout();
    }

    public sealed class ServerFixture : IAsyncLifetime
    {
        public InProcessServer Server { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Server = await InProcessServer.StartAsync(services => services.AddGrpc(), app => app.MapGrpcService<TestServiceImpl>());

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
