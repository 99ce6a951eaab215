using System.Text.Json.Nodes;
using Federation.Protocol.V1;
using Federation.Testing;
using Grpc.Core;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// Exchange:MaxSnapshotStreams (issue 25 item 3): a node sends at most that many snapshot streams
/// at once; one more is refused at once with RESOURCE_EXHAUSTED naming the setting, and a stream
/// that ends — here, its reader gone — gives its place back.
/// </summary>
public sealed class SnapshotStreamLimitTests
{
    [Fact]
    public async Task StreamBeyondTheCap_IsRefusedNamingTheSetting_AndThePlaceComesBackWhenTheHolderGoes()
    {
        // Arrange: a city with a sealed period, a cap of one stream, and a send rate of 1 KiB/s so
        // that a stream stays open on the city (paced) whatever the buffers between the two hold.
        using var directory = new TempDirectory();
        var config = await Tree.PrepareCityAsync(directory.Path, "440100", 300, 3);
        await NodeProcess.EditConfigAsync(config, c => c["Exchange"] = new JsonObject { ["MaxSnapshotStreams"] = 1, ["MaxSendKiBPerSecond"] = 1 });
        await using var city = await NodeProcess.StartAsync(config, "city-440100");
        city.Pki.Node("province-440000", "440000");
        using var channel = city.Channel(city.Pki.Load("province-440000"));
        var exchange = new Protocol.V1.Exchange.ExchangeClient(channel);
        var request = new StreamSnapshotRequest { Period = Tree.Period, MaxRecordsPerChunk = 50 };

        // Act: the first stream is read past its manifest and then held; a second one is asked for.
        var holder = exchange.StreamSnapshot(request);
        Assert.True(await holder.ResponseStream.MoveNext(CancellationToken.None));
        Assert.NotNull(holder.ResponseStream.Current.Manifest);
        Assert.True(await holder.ResponseStream.MoveNext(CancellationToken.None));
        Assert.NotNull(holder.ResponseStream.Current.Records);
        using var second = exchange.StreamSnapshot(request);
        var refused = await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext(CancellationToken.None));

        // Assert: refused at once, saying why and what to change; logged as event 2440.
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("already sends 1 snapshot streams", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Exchange:MaxSnapshotStreams", refused.Status.Detail, StringComparison.Ordinal);
        await Poll.UntilAsync(() => city.Output.Contains("Refused a snapshot stream to node:province-440000", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the city logged the refusal");

        // The holder goes away mid-stream: its place comes back, and the next stream is served.
        holder.Dispose();
        var manifest = await Poll.ForAsync(async () =>
        {
            using var next = exchange.StreamSnapshot(request);
            try
            {
                return await next.ResponseStream.MoveNext(CancellationToken.None) ? next.ResponseStream.Current.Manifest : null;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(60), "a stream served once the holder had gone");
        Assert.Equal("city-440100", manifest.NodeId);
        Assert.Equal(Tree.Period, manifest.Period);
    }
}
