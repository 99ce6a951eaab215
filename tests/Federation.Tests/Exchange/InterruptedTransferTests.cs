using System.Text.RegularExpressions;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>A city killed in the middle of a transfer: the province keeps what arrived and the resumed transfer commits the city's digest.</summary>
public sealed partial class InterruptedTransferTests
{
    [Fact]
    public async Task CityKilledMidTransfer_ResumesFromTheCursor_AndCommitsTheRightDigest()
    {
        using var directory = new TempDirectory();
        var config = await Tree.PrepareCityAsync(directory.Path, "440100", 30_000, 51);
        // The city sends at most 1 MiB/s (Exchange:MaxSendKiBPerSecond): its snapshot takes seconds,
        // so the kill lands mid-transfer however busy the machine is.
        await NodeProcess.EditConfigAsync(config, json => json["Exchange"] = new System.Text.Json.Nodes.JsonObject { ["MaxSendKiBPerSecond"] = 1024 });
        var city = await NodeProcess.StartAsync(config, "city-440100");
        try
        {
            string digest;
            long total;
            using (var cityClient = Tree.Client(city))
            {
                var sealedPeriod = (await cityClient.GetNodeStatusAsync()).LatestSealed;
                (digest, total) = (sealedPeriod.Digest, sealedPeriod.Records);
            }
            await using var province = await Tree.StartParentAsync(directory.Path, "province-440000", "province", "440000", ("city-440100", "440100", city.Address));
            using var client = Tree.Client(province);

            // Kill the city as soon as the province has received part of the snapshot (any part
            // short of all of it: on a busy machine a poll may come late).
            var killedAt = 0L;
            var first = await Tree.ResyncAsync(client, operation =>
            {
                var progress = operation.Children.Single();
                if (killedAt == 0 && progress.State == "pulling" && progress.Records > 0 && progress.Records < total)
                {
                    killedAt = progress.Records;
                    city.Process.Kill();
                }
            });
            Assert.True(killedAt > 0, "the transfer finished before the city could be killed");
            Assert.Equal("failed", first.Children.Single().State);
            var link = (await client.GetNodeStatusAsync()).Children.Single();
            Assert.True(link.Stale);
            Assert.True(link.NeverPulled || link.Period.Length == 0);

            city = await city.RestartAsync("city-440100");
            var second = await Tree.ResyncAsync(client);

            Assert.Equal("committed", second.Children.Single().State);
            var status = await client.GetNodeStatusAsync();
            Assert.Equal(digest, status.Children.Single().Digest);
            Assert.Equal(["city-440100@2026-10-31"], status.LatestSealed.Sources);
            // The second pull started where the first stopped: what arrived before the break was kept.
            var resumed = ResumedFrom().Matches(province.Output).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(2, resumed.Count);
            Assert.Equal(0, resumed[0]);
            Assert.True(resumed[1] > 0 && resumed[1] < total, $"resumed from {resumed[1]} of {total}");
        }
        finally
        {
            await city.DisposeAsync();
        }
    }

    [GeneratedRegex(@"Pulling ""?city-440100""? period ""?2026-10-31""?: \d+ records, (\d+) already received")]
    private static partial Regex ResumedFrom();
}
