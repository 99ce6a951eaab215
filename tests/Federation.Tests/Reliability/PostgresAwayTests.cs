using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Shared;
using Federation.Testing;
using Federation.Tests.Exchange;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit;

namespace Federation.Tests.Reliability;

/// <summary>
/// The ministry's PostgreSQL stopped and restarted (issue 25, item 4; docs/reliability.md): a real
/// city → province → ministry, the ministry's store on a real throwaway PostgreSQL server stopped
/// (<c>pg_ctl stop -m fast</c>) while the ministry pulls the province. The pull fails saying the
/// store does not answer, nothing of it committed; a storm of look-ups is answered UNAVAILABLE with
/// a message for the official and the operator (never INTERNAL, no number in it); health says
/// NOT_SERVING for the services that read the store and SERVING for Admin; once the server is back,
/// health says SERVING again and the next resync commits the province's digest and seals the
/// merged period. Runs alone (a database server and three nodes).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class PostgresAwayTests
{
    // The node's text (Federation.Node.Errors.FaultLog.StoreAwayText), as a caller reads it.
    private const string StoreAway =
        "本节点的数据库暂时不可用，请稍后重试。This node's store (its PostgreSQL server) does not answer just now: nothing of this call was committed; try again later.";

    private static readonly string[] StoreServices = [Statistics.Descriptor.FullName, Verification.Descriptor.FullName, Protocol.V1.Exchange.Descriptor.FullName];

    [Fact]
    public async Task Ministry_WhosePostgresStopsDuringAPull_AnswersUnavailable_IsNotServing_CommitsNothing_ThenCompletesAfterRestart()
    {
        using var directory = new TempDirectory();
        using var postgres = PostgresCluster.Start();
        var cityConfig = await Tree.PrepareCityAsync(directory.Path, "440100", 12000, 7);
        var certificate = ExportFiles.ReadRows(Path.Combine(directory.Path, "export-440100"), "certificates")
            .First(c => c["cancel_date"] == "" && c["valid"] == "1" && c["certificate_number"].Length == 16)["certificate_number"];
        await using var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
        await using var province = await Tree.StartParentAsync(directory.Path, "province-440000", "province", "440000", ("city-440100", "440100", city.Address));
        using var provinceClient = Tree.Client(province);
        Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(provinceClient)).State);
        var merged = (await provinceClient.GetNodeStatusAsync()).LatestSealed;
        await using var ministry = await NodeProcess.StartAsync(directory.Path, "ministry", "ministry", "000000", new JsonObject
        {
            ["Children"] = new JsonArray(new JsonObject { ["Id"] = "province-440000", ["DivisionCode"] = "440000", ["Address"] = province.Address.ToString() }),
            ["Exchange"] = new JsonObject { ["Enabled"] = false },
            ["Store"] = new JsonObject { ["Provider"] = "postgresql", ["ConnectionString"] = postgres.Database("ministry") },
        });
        using var client = Tree.Client(ministry);
        using var channel = ministry.Channel();
        var health = new Health.HealthClient(channel);

        // Act: PostgreSQL stops while the ministry pulls the province.
        var stopped = false;
        var failed = await Tree.ResyncAsync(client, operation =>
        {
            if (!stopped && operation.State == OperationState.Running)
            {
                postgres.Stop();
                stopped = true;
            }
        });

        // Assert: the pull failed saying why, and nothing of it was committed (below, once the server is back).
        Assert.True(stopped, "the pull ended before PostgreSQL could be stopped");
        Assert.Equal(OperationState.Failed, failed.State);
        var error = Assert.Single(failed.Children).Error;
        Assert.Contains("this node's store (its PostgreSQL server) does not answer", error, StringComparison.Ordinal);
        Assert.Contains("nothing of this was committed", error, StringComparison.Ordinal);

        // A storm of look-ups while it is away: UNAVAILABLE with the message, never INTERNAL, no number in it.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => OutcomeAsync((i % 3) switch
        {
            0 => (Task)new Statistics.StatisticsClient(channel).GetIndicatorsAsync(new GetIndicatorsRequest(), deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync,
            1 => new Admin.AdminClient(channel).GetNodeStatusAsync(new GetNodeStatusRequest(), deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync,
            _ => new Verification.VerificationClient(channel).VerifyCertificateAsync(new VerifyCertificateRequest { CertificateNumber = certificate },
                deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync,
        })));
        Assert.All(outcomes, outcome => Assert.True(outcome.Status is StatusCode.OK or StatusCode.Unavailable, $"{outcome.Status}: {outcome.Detail}"));
        Assert.All(outcomes.Where(o => o.Status == StatusCode.Unavailable), outcome => Assert.Equal(StoreAway, outcome.Detail));
        // Statistics and the node's status read the store: those are refused, all 40.
        Assert.True(outcomes.Count(o => o.Status == StatusCode.Unavailable) >= 40, string.Join("; ", outcomes.Select(o => o.Status)));
        Assert.DoesNotContain(outcomes, o => o.Detail.Contains(certificate, StringComparison.Ordinal));
        Assert.DoesNotContain(certificate, ministry.Output, StringComparison.Ordinal);

        // Health: the services that read the store NOT_SERVING, Admin SERVING (it is how the operator finds out).
        foreach (var service in StoreServices)
        {
            await Tree.EventuallyAsync(async () => await StatusAsync(health, service) == HealthCheckResponse.Types.ServingStatus.NotServing, $"{service} NOT_SERVING");
        }
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(health, Admin.Descriptor.FullName));

        // The server comes back: SERVING again, nothing was committed half-way, and the pull completes.
        postgres.Restart();
        foreach (var service in StoreServices)
        {
            await Tree.EventuallyAsync(async () => await StatusAsync(health, service) == HealthCheckResponse.Types.ServingStatus.Serving, $"{service} SERVING again");
        }
        var before = await client.GetNodeStatusAsync();
        Assert.True(Assert.Single(before.Children).NeverPulled);
        Assert.Null(before.LatestSealed);
        // A connection the pool kept from before the stop fails once when used, and is dropped: the
        // operator's resync is tried again as the scheduled pull would be.
        var done = failed;
        for (var attempt = 0; attempt < 3 && done.State != OperationState.Succeeded; attempt++)
        {
            done = await Tree.ResyncAsync(client);
        }
        Assert.Equal(OperationState.Succeeded, done.State);
        var after = await client.GetNodeStatusAsync();
        Assert.Equal(merged.Digest, after.Children.Single().Digest);
        Assert.Equal((merged.Period, merged.Records), (after.LatestSealed.Period, after.LatestSealed.Records));
        var verified = await client.VerifyCertificateAsync(certificate);
        Assert.True(verified.Found);
    }

    private static async Task<(StatusCode Status, string Detail)> OutcomeAsync(Task call)
    {
        try
        {
            await call;
            return (StatusCode.OK, "");
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, ex.Status.Detail);
        }
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(Health.HealthClient health, string service) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(30))).Status;
}
