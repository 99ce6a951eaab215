using System.Diagnostics;
using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Federation.Tests.Exchange;
using Xunit;

namespace Federation.Tests.Node;

/// <summary>
/// A full disk at the parent during a pull (issue 25 item 4; docs/reliability.md, "Other faults"):
/// a real province whose store sits on a 16 MiB tmpfs, keeping 8 MiB free (Exchange:ReserveDiskMiB),
/// pulls a city whose snapshot does not fit. The resync ends FAILED saying the disk is full and that
/// nothing was committed, the child is still never pulled, the province goes on answering
/// verifications (each audited: the reserve left room for it); once the file system is larger,
/// the next resync resumes and completes with the city's digest. (Mounting needs root, which the tests and CI
/// have, as for StoreFaultTests.)
/// </summary>
public sealed class PullDiskFullTests
{
    [Fact]
    public async Task Pull_WhenTheParentsDiskFills_FailsSayingSo_CommitsNothing_GoesOnServing_ThenCompletesWithSpace()
    {
        using var directory = new TempDirectory();
        var cityConfig = await Tree.PrepareCityAsync(directory.Path, "440100", 12000, 6);
        var number = ExportFiles.ReadRows(Path.Combine(directory.Path, "export-440100"), "certificates")
            .First(c => c["cancel_date"] == "" && c["valid"] == "1" && c["certificate_number"].Length == 16)["certificate_number"];
        var disk = Path.Combine(directory.Path, "disk");
        Directory.CreateDirectory(disk);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk);
        try
        {
            await using var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
            await using var province = await NodeProcess.StartAsync(directory.Path, "province-440000", "province", "440000", new JsonObject
            {
                ["Children"] = new JsonArray(new JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = city.Address.ToString() }),
                ["Exchange"] = new JsonObject { ["Enabled"] = false, ["ReserveDiskMiB"] = 8 },
                ["Store"] = new JsonObject { ["Path"] = "disk/province-440000.db" },
            });
            using var client = Tree.Client(province);
            using var cityClient = Tree.Client(city);
            var digest = (await cityClient.GetNodeStatusAsync()).LatestSealed.Digest;

            // Act: the snapshot does not fit.
            var full = await Tree.ResyncAsync(client);

            // Assert: failed, saying why and that nothing was committed; reads go on.
            Assert.Equal(OperationState.Failed, full.State);
            var error = Assert.Single(full.Children).Error;
            Assert.Contains("this node's disk is full (", error, StringComparison.Ordinal);
            Assert.Contains("nothing of it was committed", error, StringComparison.Ordinal);
            var status = await client.GetNodeStatusAsync();
            var child = Assert.Single(status.Children);
            Assert.True(child.NeverPulled);
            Assert.Equal("", child.Digest);
            Assert.Null(status.LatestSealed);
            var answer = await client.VerifyCertificateAsync(number);
            Assert.True(answer.Found);

            // The operator gives the disk more space: the next resync resumes and commits the city's digest.
            await RunAsync("mount", "-o", "remount,size=256m", "tmpfs", disk);
            var done = await Tree.ResyncAsync(client);
            Assert.Equal(OperationState.Succeeded, done.State);
            Assert.Equal(digest, (await client.GetNodeStatusAsync()).Children.Single().Digest);
        }
        finally
        {
            await RunAsync("umount", "-l", disk);
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {await process.StandardError.ReadToEndAsync()}");
    }
}
