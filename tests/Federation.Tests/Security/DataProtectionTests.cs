using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace Federation.Tests.Security;

/// <summary>
/// Data protection on a real node: the public check is no name oracle and is rate-limited
/// per address; revoking a certificate takes effect without a restart; files are owner-only; the
/// spool is capped and cleaned; no period can be sealed in the future; no cleartext off loopback.
/// </summary>
public sealed class DataProtectionTests
{
    [Fact]
    public async Task PublicCheck_AnswersAWrongNameAndAnUnknownNumberAlike_AndIsRateLimitedPerAddress()
    {
        using var directory = new TempDirectory();
        string certificate = "", holder = "";
        var config = await Exchange.Tree.PrepareCityAsync(directory.Path, "440100", 30, 12, export =>
        {
            var row = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1");
            certificate = row["certificate_number"];
            holder = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == row["citizen_id"])["name"];
        });
        await NodeProcess.EditConfigAsync(config, json =>
        {
            json["Security"]!["PublicCheckBurst"] = 4;
            json["Security"]!["PublicCheckPerMinute"] = 1;
        });
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        using var channel = node.Channel(account: null);
        var client = new Verification.VerificationClient(channel);
        Task<PublicCheckResponse> Check(string number, string name) =>
            client.PublicCheckAsync(new PublicCheckRequest { CertificateNumber = number, Name = name }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;

        var genuine = await Check(certificate, holder);
        var wrongName = await Check(certificate, holder + "某");
        var unknownNumber = await Check("4401069999999999", holder);

        Assert.True(genuine.Genuine);
        Assert.False(wrongName.Genuine);
        Assert.Equal(unknownNumber.ToByteArray(), wrongName.ToByteArray());

        // The burst of 4 is spent: the fifth check from this address is refused.
        await Check(certificate, holder);
        var limited = await Assert.ThrowsAsync<RpcException>(() => Check(certificate, holder));
        Assert.Equal(StatusCode.ResourceExhausted, limited.StatusCode);
        Assert.Contains("try again", limited.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingACertificate_TakesEffectWithoutARestart()
    {
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        var pki = TestPki.For(directory.Path);
        pki.AddAccount(directory.File("data/city-440100.db"), "clerk", [("analyst", "440100")]);
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        Task<NodeStatus> Status() => new Admin.AdminClient(node.Channel("clerk")).GetNodeStatusAsync(new GetNodeStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
        Assert.Equal("city-440100", (await Status()).NodeId);

        pki.Revoke("clerk");

        // The node looks at the CRL file at most once a second: allow it a few.
        var refused = await Poll.ForAsync<RpcException>(async () =>
        {
            try
            {
                await Status();
                return null;
            }
            catch (RpcException ex)
            {
                return ex;
            }
        }, TimeSpan.FromSeconds(20), "the revoked account's call refused");
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("revoked", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Revocation list", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilesAreOwnerOnly_LeftoverSpoolsAreCleaned_AndUploadsAreCapped()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("file modes are a POSIX matter");
        }
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100", new JsonObject
        {
            ["Ingest"] = new JsonObject { ["MaxUploadMiB"] = 1 },
        });
        var leftover = Directory.CreateDirectory(directory.File("data/uploads/0123456789abcdef")).FullName;
        await File.WriteAllTextAsync(Path.Combine(leftover, "persons.csv"), "citizen_id,name\n");
        await using var node = await NodeProcess.StartAsync(config, "city-440100");

        Assert.False(Directory.Exists(leftover), "the spool an interrupted upload left was not cleaned at start-up");
        Assert.Contains("upload spool(s) left by interrupted uploads", node.Output, StringComparison.Ordinal);

        // An upload larger than Ingest:MaxUploadMiB is refused while it arrives, and its spool goes.
        using var channel = node.Channel();
        using var call = new Ingest.IngestClient(channel).Upload(deadline: DateTime.UtcNow.AddMinutes(1));
        await call.RequestStream.WriteAsync(new UploadChunk { File = new FileStart { Name = "persons.csv" } });
        try
        {
            for (var i = 0; i < 40; i++)
            {
                await call.RequestStream.WriteAsync(new UploadChunk { Data = ByteString.CopyFrom(new byte[64 * 1024]) });
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The node ended the call while data was still being sent; its answer says why.
        }
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("Ingest:MaxUploadMiB", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(directory.File("data/uploads")));

        // Everything the node created holds personal data or keys: owner-only.
        var created = new[] { "data/city-440100.db", "data/city-440100.security.db", "data/city-440100.audit.key" }
            .Select(directory.File).Concat(Directory.GetFiles(directory.File("logs"))).ToList();
        Assert.NotEmpty(created);
        foreach (var file in created)
        {
            Assert.Equal((file, UnixFileMode.UserRead | UnixFileMode.UserWrite), (file, File.GetUnixFileMode(file)));
        }
        foreach (var folder in new[] { "data/uploads", "logs" }.Select(directory.File))
        {
            Assert.Equal((folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), (folder, File.GetUnixFileMode(folder)));
        }
    }

    [Fact]
    public async Task APeriodInTheFuture_CannotBeSealed_ByCommandOrUpload()
    {
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        await using (var seal = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "seal", "--config", config, "--as-of", "2099-12-31"]))
        {
            Assert.Equal(1, await seal.WaitForExitAsync());
            Assert.Contains("Period 2099-12-31 is in the future", seal.Output, StringComparison.Ordinal);
        }
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        using var channel = node.Channel();
        using var call = new Ingest.IngestClient(channel).Upload(deadline: DateTime.UtcNow.AddMinutes(1));
        await call.RequestStream.WriteAsync(new UploadChunk { Options = new UploadOptions { SealAsOf = "2099-12-31" } });
        await call.RequestStream.CompleteAsync();
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Contains("is in the future", refused.Status.Detail, StringComparison.Ordinal);
        // And a real period can still be sealed afterwards.
        await using var today = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "seal", "--config", config, "--as-of", "2026-10-31"]);
        Assert.Equal(0, await today.WaitForExitAsync());
    }

    [Theory]
    [InlineData("Server:Listen", "http://0.0.0.0:0")]
    [InlineData("Server:MetricsListen", "http://0.0.0.0:0")]
    public async Task Cleartext_OffLoopback_IsRefusedAtStart(string setting, string address)
    {
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        await NodeProcess.EditConfigAsync(config, json =>
        {
            var server = json["Server"]!.AsObject();
            if (setting == "Server:Listen")
            {
                server["Listen"] = address;
                server.Remove("Tls");
            }
            else
            {
                server["MetricsListen"] = address;
            }
        });
        await using var node = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]);
        Assert.Equal(2, await node.WaitForExitAsync());
        Assert.Contains($"{setting} is '{address}': a node listens in cleartext on loopback only", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACertificateThatNamesAnotherNode_IsRefusedAtStart()
    {
        using var directory = new TempDirectory();
        var config = await NodeProcess.WriteConfigAsync(directory.Path, "city-440100", "city", "440100");
        var other = TestPki.For(directory.Path).Node("city-440300", "440300");
        await NodeProcess.EditConfigAsync(config, json =>
        {
            json["Server"]!["Tls"]!["CertificatePath"] = other;
            json["Server"]!["Tls"]!["KeyPath"] = Path.ChangeExtension(other, ".key");
        });
        await using var node = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]);
        Assert.Equal(2, await node.WaitForExitAsync());
        Assert.Contains("is not this node's certificate (it names node city-440300 (440300))", node.Output, StringComparison.Ordinal);
    }
}
