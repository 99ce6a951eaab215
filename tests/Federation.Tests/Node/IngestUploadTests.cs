using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace Federation.Tests.Node;

/// <summary>Exports uploaded to a running city node over <c>federation.v1.Ingest/Upload</c> (client streaming).</summary>
public sealed class IngestUploadTests
{
    [Fact]
    public async Task Upload_GeneratedExport_ImportsSealsAndReportsRejects()
    {
        // Arrange
        using var directory = new TempDirectory();
        var export = Path.Combine(directory.Path, "export");
        var summary = ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 1500, Seed = 5, DefectRate = 0.03 }, export);
        await using var node = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        using var channel = node.Channel();
        var client = new Ingest.IngestClient(channel);

        // Act: every dataset file, in 64 KiB chunks, sealing the period
        using var call = client.Upload(deadline: DateTime.UtcNow.AddMinutes(2));
        await call.RequestStream.WriteAsync(new UploadChunk { Options = new UploadOptions { SealAsOf = "2026-10-31" } });
        foreach (var file in Directory.GetFiles(export).Where(f => !f.EndsWith("defects.csv", StringComparison.Ordinal)))
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
        var result = await call.ResponseAsync.DefaultTimeout();

        // Assert
        Assert.Equal(summary.TotalRows, result.Read);
        Assert.Equal(summary.Defects, result.Rejected);
        Assert.Equal(summary.TotalRows - summary.Defects, result.Accepted);
        Assert.Equal(Math.Min(100, File.ReadAllLines(result.RejectsReport).Length - 1), result.FirstRejects.Count);
        Assert.Equal("2026-10-31", result.SealedPeriod);
        var indicators = await new Statistics.StatisticsClient(channel).GetIndicatorsAsync(new GetIndicatorsRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(result.Digest, indicators.ManifestDigest);
    }

    [Theory]
    [InlineData("../persons.csv")]
    [InlineData("people.csv")]
    public async Task Upload_BadFileName_IsInvalidArgumentAndStagesNothing(string name)
    {
        using var directory = new TempDirectory();
        await using var node = await NodeProcess.StartAsync(directory.Path, "city-440100", "city", "440100");
        using var channel = node.Channel();
        using var call = new Ingest.IngestClient(channel).Upload();
        await call.RequestStream.WriteAsync(new UploadChunk { File = new FileStart { Name = name } });
        await call.RequestStream.WriteAsync(new UploadChunk { Data = ByteString.CopyFromUtf8("citizen_id\n") });
        await call.RequestStream.CompleteAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync).DefaultTimeout();

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(name.StartsWith("..", StringComparison.Ordinal) ? "plain file name" : "must start with one of persons", ex.Status.Detail, StringComparison.Ordinal);
    }
}
