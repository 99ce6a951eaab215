using System.Diagnostics;
using System.Text.Json.Nodes;
using Federation.Protocol.V1;
using Federation.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Tests.Security;

/// <summary>
/// Floods bounded, against real node processes (issue 20 item 6): wrong API tokens cost a growing
/// delay, then lock token sign-ins from the address out (a right token too; a certificate still
/// passes), and the audit log keeps the first refusal and a count, still a chain; anonymous
/// watches are capped per address; a node holding open streams — its parent's registration links,
/// health watches — stops soon after SIGTERM.
/// </summary>
public sealed class FloodTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static JsonObject Security(TestPki pki, JsonObject settings)
    {
        var security = new JsonObject { ["CrlPath"] = pki.CrlPath };
        foreach (var (key, value) in settings)
        {
            security[key] = value?.DeepClone();
        }
        return new JsonObject { ["Security"] = security };
    }

    [Fact]
    public async Task WrongTokens_AreDelayedThenLockedOut_AndTheAuditLogKeepsACount()
    {
        // Arrange
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100", Security(TestPki.For(directory.Path), new JsonObject
        {
            ["FailedSignInsFree"] = 3, ["FailedSignInDelay"] = "00:00:00.100", ["FailedSignInMaxDelay"] = "00:00:00.200",
            ["FailedSignInsBeforeLockout"] = 10, ["FailedSignInLockout"] = "00:10:00", ["AuditRefusalWindow"] = "00:10:00",
        }));
        // The account is there before the node starts: no failed sign-in while it learns of it.
        await using var add = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "accounts", "add", "--config", config, "--id", "bot",
            "--name", "Bot", "--post", "scripts", "--role", "operator", "--token"]);
        Assert.Equal(0, await add.WaitForExitAsync());
        var token = System.Text.RegularExpressions.Regex.Match(add.Output, "fed_[A-Za-z0-9_-]+").Value;
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        using var channel = node.Channel(account: null);
        var admin = new Admin.AdminClient(channel);
        Task<NodeStatus> AsAsync(string bearer) => admin.GetNodeStatusAsync(new GetNodeStatusRequest(),
            new Metadata { { "authorization", "Bearer " + bearer } }, DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
        Assert.Equal("city-440100", (await AsAsync(token)).NodeId); // the token works

        // Act: 300 wrong tokens, one after another
        var outcomes = new List<StatusCode>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 300; i++)
        {
            outcomes.Add((await Assert.ThrowsAsync<RpcException>(() => AsAsync("fed_wrong" + i))).StatusCode);
        }
        clock.Stop();
        var lockedOut = await Assert.ThrowsAsync<RpcException>(() => AsAsync(token));
        var byCertificate = await new Admin.AdminClient(node.Channel()).GetNodeStatusAsync(new GetNodeStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(30));

        // Assert: 10 refused (3 at once, then after 0.1, 0.2, 0.2 … s; the 10th locks out), then locked out
        Assert.Equal(Enumerable.Repeat(StatusCode.Unauthenticated, 10).Concat(Enumerable.Repeat(StatusCode.ResourceExhausted, 290)), outcomes);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"300 wrong tokens took {clock.Elapsed}: the failed sign-ins were not delayed");
        Assert.Equal(StatusCode.ResourceExhausted, lockedOut.StatusCode);
        Assert.Contains("too many failed sign-ins from this address", lockedOut.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("city-440100", byCertificate.NodeId);
        Assert.Contains("Token sign-ins locked out for a client address", node.Output, StringComparison.Ordinal);

        // The log holds each kind of refusal once, then (at stop) the count of the rest, in the chain.
        node.Signal("TERM");
        Assert.Equal(0, await node.Process.WaitForExitAsync());
        var refused = ReadRefusals(directory.File("data/city-440100.security.db"));
        Assert.Equal(
            [("refused:token", "Unauthenticated", ""), ("refused:token", "ResourceExhausted", ""),
             ("refused:token", "Unauthenticated", "×9 more"), ("refused:token", "ResourceExhausted", "×290 more")],
            refused.Select(r => (r.Principal, r.Outcome, r.Subject.Length == 0 ? "" : r.Subject[..r.Subject.IndexOf(" like", StringComparison.Ordinal)])).ToList());
        await using var verify = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "audit", "verify", "--config", node.ConfigPath]);
        Assert.True(await verify.WaitForExitAsync() == 0, verify.Output);
    }

    [Fact]
    public async Task AnonymousWatches_AreCappedPerAddress_AnAccountIsNot()
    {
        // Arrange
        using var directory = new TempDirectory();
        await using var node = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100",
            Security(TestPki.For(directory.Path), new JsonObject { ["AnonymousStreamsPerAddress"] = 3 }));
        using var anonymous = node.Channel(account: null);
        var health = new Health.HealthClient(anonymous);
        AsyncServerStreamingCall<HealthCheckResponse> Watch(Health.HealthClient client) =>
            client.Watch(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddMinutes(2));
        var open = new List<AsyncServerStreamingCall<HealthCheckResponse>>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Watch(health);
            Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            open.Add(watch);
        }

        // Act
        using var fourth = Watch(health);
        var refused = await Assert.ThrowsAsync<RpcException>(() => fourth.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        using var asTester = Watch(new Health.HealthClient(node.Channel()));
        var testerServed = await asTester.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout();
        open[0].Dispose(); // the client cancels one: its place is free again
        var again = await Poll.ForAsync<AsyncServerStreamingCall<HealthCheckResponse>>(async () =>
        {
            var watch = Watch(health);
            try
            {
                Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
                return watch;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                watch.Dispose(); // the server has not seen the cancellation yet
                return null;
            }
        }, TimeSpan.FromSeconds(10), "an anonymous watch served again once one was cancelled");

        // Assert
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("3 open anonymous streams", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(testerServed);
        foreach (var watch in open.Skip(1).Append(again))
        {
            watch.Dispose();
        }
    }

    [Fact]
    public async Task ANodeHoldingOpenStreams_StopsSoonAfterSigterm()
    {
        // Arrange: a city whose province holds its registration links open, and two health watches
        using var directory = new TempDirectory();
        await using var city = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        await using var province = await Exchange.Tree.StartParentAsync(directory.Path, "province-440000", "province", "440000", ("city-440100", "440100", city.Address));
        using (var client = Exchange.Tree.Client(province))
        {
            await Poll.UntilAsync(() => client.GetNodeStatusAsync(), status => status.Registration.Links is { Count: > 0 } links && links.All(l => l.ApplicationsConnected),
                TimeSpan.FromMinutes(1), "the province's registration links to the city connected");
        }
        using var anonymous = new Health.HealthClient(city.Channel(account: null)).Watch(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddMinutes(2));
        using var tester = new Health.HealthClient(city.Channel()).Watch(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddMinutes(2));
        Assert.True(await anonymous.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.True(await tester.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        // Act
        var clock = Stopwatch.StartNew();
        city.Signal("TERM");
        var exitCode = await city.Process.WaitForExitAsync(TimeSpan.FromMinutes(1));
        clock.Stop();

        output.WriteLine($"the city stopped {clock.Elapsed.TotalSeconds:F2} s after SIGTERM");

        // Assert: it used to wait out the host's 30 s for the streams; the issue asks for 5 s, and
        // a busy CI machine gets some headroom on top
        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the city took {clock.Elapsed.TotalSeconds:F1} s to stop");
        await DrainAsync(anonymous);
    }

    // The stream ends (NOT_SERVING first, then the end or UNAVAILABLE) rather than hanging.
    private static async Task DrainAsync(AsyncServerStreamingCall<HealthCheckResponse> watch)
    {
        try
        {
            while (await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
            {
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled)
        {
        }
    }

    private static List<(string Principal, string Outcome, string Subject)> ReadRefusals(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT principal, outcome, subject FROM audit WHERE principal LIKE 'refused:%' ORDER BY seq";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        return rows;
    }
}
