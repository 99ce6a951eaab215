using System.Diagnostics;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Testing;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Tests.Node;

/// <summary>
/// Faults of the disk under a real node process (issue 25, item 4; docs/reliability.md): a damaged
/// database page refuses the start with how to restore, and the documented restore brings the node
/// back; a disk that fills during an upload refuses the upload whole while the node goes on serving.
/// </summary>
public sealed class StoreFaultTests
{
    private static readonly DateOnly October = new(2026, 10, 31);

    [Fact]
    public async Task Start_OnAStoreWithADamagedPage_IsRefusedSayingHowToRestore_AndTheRestoreBringsItBack()
    {
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        var store = Path.Combine(directory.Path, "data", "city-440100.db");
        var backup = Path.Combine(directory.Path, "backups", "city-440100-2026-11.db");
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        string digest;
        using (var open = SqliteStore.Open(new StoreOptions { Path = store, NodeId = "city-440100" }))
        {
            using (var staging = open.Staging.BeginStaging())
            {
                for (var i = 0; i < 3000; i++)
                {
                    staging.Upsert(Dataset.Persons, [$"44010619900101{i:D4}", "张三", "1", "1990-01-01", "440106", "1", "440106", "1"]);
                }
                staging.Commit();
            }
            digest = open.Periods.Seal(October, DateTimeOffset.UtcNow).Digest;
            open.BackupTo(backup);
        }
        StoreDamage.DamagePage(store);

        await using (var refused = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]))
        {
            Assert.Equal(1, await refused.WaitForExitAsync());
            Assert.Contains($"The store {store} is damaged (SQLite's quick_check: ", refused.Output, StringComparison.Ordinal);
            Assert.Contains("Federation.Node restore --config <the node's config> <backup .db>", refused.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("listening on", refused.Output, StringComparison.Ordinal);
        }

        // What the message says, as docs/operations.md prints it.
        await using (var restore = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "restore", "--config", config, backup]))
        {
            Assert.Equal(0, await restore.WaitForExitAsync());
        }
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        using var channel = node.Channel();
        var indicators = await new Statistics.StatisticsClient(channel).GetIndicatorsAsync(new GetIndicatorsRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(digest, indicators.ManifestDigest);
    }

    [Fact]
    public async Task Upload_WhenTheDiskFills_IsRefusedWhole_AndTheNodeGoesOnServing()
    {
        using var directory = new TempDirectory();
        var disk = Path.Combine(directory.Path, "disk");
        Directory.CreateDirectory(disk);
        // A small file system of its own for the store, its logs and the upload spool. Mounting
        // needs root, which the tests and CI have (docs/reliability.md).
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk);
        try
        {
            var small = Path.Combine(directory.Path, "small");
            var large = Path.Combine(directory.Path, "large");
            var smallExport = ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 150, Seed = 3, DefectRate = 0 }, small);
            ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 12000, Seed = 4, DefectRate = 0, IdOffset = 100_000 }, large);
            var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100",
                new System.Text.Json.Nodes.JsonObject { ["Store"] = new System.Text.Json.Nodes.JsonObject { ["Path"] = "disk/city-440100.db" } });
            string digest;
            await using (var node = await NodeProcess.StartAsync(config, "city-440100"))
            {
                using var channel = node.Channel();
                var ingest = new Ingest.IngestClient(channel);
                var first = await UploadAsync(ingest, small, sealAsOf: "2026-10-31");
                Assert.Equal((long)smallExport.TotalRows, first.Accepted);
                digest = first.Digest;

                var full = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(ingest, large, sealAsOf: null));

                Assert.Equal(StatusCode.ResourceExhausted, full.StatusCode);
                Assert.StartsWith("The node's disk is full (", full.Status.Detail, StringComparison.Ordinal);
                Assert.Contains("nothing of this upload was imported and the store is as it was", full.Status.Detail, StringComparison.Ordinal);
                // Reads go on (each one audited: the space of the rolled-back import came back).
                var indicators = await new Statistics.StatisticsClient(channel).GetIndicatorsAsync(new GetIndicatorsRequest()).ResponseAsync.DefaultTimeout();
                Assert.Equal(digest, indicators.ManifestDigest);
                var again = await UploadAsync(ingest, small, sealAsOf: null);
                Assert.Equal(((long)smallExport.TotalRows, 0L), (again.Accepted, again.Changed));
                Assert.Contains("disk is full", node.Output, StringComparison.Ordinal);
            }

            // Nothing of the refused upload was staged: exactly the small export's rows.
            using var connection = new SqliteConnection($"Data Source={Path.Combine(disk, "city-440100.db")};Mode=ReadOnly;Pooling=False");
            connection.Open();
            long staged = 0;
            foreach (var dataset in Dataset.All)
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*) FROM s_{dataset.Name}";
                staged += (long)command.ExecuteScalar()!;
            }
            Assert.Equal((long)smallExport.TotalRows, staged);
        }
        finally
        {
            await RunAsync("umount", "-l", disk);
        }
    }

    private static async Task<UploadResult> UploadAsync(Ingest.IngestClient client, string export, string? sealAsOf)
    {
        using var call = client.Upload(deadline: DateTime.UtcNow.AddMinutes(3));
        try
        {
            await WriteAsync(call, export, sealAsOf);
        }
        catch (RpcException)
        {
            // The node ended the call while the export was still being sent (the disk filled):
            // the write may only say Cancelled; the node's status comes with the response.
        }
        return await call.ResponseAsync.DefaultTimeout();
    }

    private static async Task WriteAsync(AsyncClientStreamingCall<UploadChunk, UploadResult> call, string export, string? sealAsOf)
    {
        await call.RequestStream.WriteAsync(new UploadChunk { Options = new UploadOptions { SealAsOf = sealAsOf ?? "" } });
        foreach (var file in Directory.GetFiles(export).Where(f => !Path.GetFileName(f).Contains("defects", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            await call.RequestStream.WriteAsync(new UploadChunk { File = new FileStart { Name = Path.GetFileName(file), Size = new FileInfo(file).Length } });
            await using var stream = File.OpenRead(file);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                await call.RequestStream.WriteAsync(new UploadChunk { Data = ByteString.CopyFrom(buffer, 0, read) });
            }
        }
        await call.RequestStream.CompleteAsync();
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0,
            $"{command} {string.Join(' ', arguments)} failed ({error.Trim()}): this test needs a tmpfs of its own, which root can mount (CI runs as root).");
    }
}
