using System.Text.Json.Nodes;
using Federation.Client;
using Federation.DataGen;
using Federation.Testing;
using Federation.Tests.Exchange;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Tests.Reliability;

/// <summary>
/// A full disk when an upload asks for a seal (issue 25, item 4; docs/reliability.md): a real city
/// whose store sits on an 8 MiB tmpfs of its own (<see cref="SmallDisk"/>), filled once the data is
/// staged. The upload is answered RESOURCE_EXHAUSTED saying that the import was committed and the
/// period was not sealed — not that nothing was imported — nothing of the period is written, the
/// node answers and audits the next call; with the space back, the same upload seals the period.
/// </summary>
public sealed class SealDiskFullTests
{
    [Fact]
    public async Task UploadWithSeal_WhenTheDiskFills_SaysTheImportIsInAndThePeriodNot_SealsNothing_ThenSealsWithSpace()
    {
        using var directory = new TempDirectory();
        using var disk = SmallDisk.Mount(Path.Combine(directory.Path, "disk"), 8);
        var export = Path.Combine(directory.Path, "export");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 1000, Seed = 5, DefectRate = 0 }, export);
        // The second upload brings one person again (nothing changes): the seal is what needs the space.
        var again = Directory.CreateDirectory(Path.Combine(directory.Path, "again")).FullName;
        File.WriteAllLines(Path.Combine(again, "persons.csv"), File.ReadLines(Path.Combine(export, "persons.csv")).Take(2));
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100",
            new JsonObject { ["Store"] = new JsonObject { ["Path"] = "disk/city-440100.db" } });
        var store = Path.Combine(disk.Path, "city-440100.db");
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        using var client = Tree.Client(node);
        await client.UploadAsync([export]);
        Checkpoint(store); // the staged rows into the database file, so that the seal alone needs the space
        disk.Fill(leaveBytes: 64 * 1024);

        var refused = await Assert.ThrowsAsync<FederationException>(() => client.UploadAsync([again], sealAsOf: Tree.Period));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith("The import was committed (1 rows accepted), but sealing failed: Period 2026-10-31 was not sealed: the disk holding the store ", refused.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("Nothing of the period was written", refused.ServerMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing of this upload was imported", refused.ServerMessage, StringComparison.Ordinal);
        // Nothing half-way, and the node answers (and audits) the next call.
        var status = await client.GetNodeStatusAsync();
        Assert.Null(status.LatestSealed);
        Assert.Contains("was not sealed after the upload, the disk is full", node.Output, StringComparison.Ordinal);

        disk.Empty();
        var sealedNow = await client.UploadAsync([again], sealAsOf: Tree.Period);

        Assert.Equal(Tree.Period, sealedNow.SealedPeriod);
        Assert.Equal(sealedNow.Digest, (await client.GetNodeStatusAsync()).LatestSealed.Digest);
    }

    private static void Checkpoint(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        command.ExecuteNonQuery();
    }
}
