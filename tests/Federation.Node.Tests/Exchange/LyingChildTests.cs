using System.Globalization;
using System.Net;
using Federation.Node.Configuration;
using Federation.Node.Exchange;
using Federation.Node.Exchange.Parent;
using Federation.Node.Exchange.Signing;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Testing;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Federation.Node.Tests.Exchange;

/// <summary>
/// A child that lies about its snapshot (issue 25 item 4): a wrong digest, a stream cut short
/// (with or without its end marker) and a wrong period are refused by the parent's real
/// <see cref="ChildPuller"/>, the status saying what was wrong, and nothing is committed; the same
/// child answering honestly afterwards is received with its digest. The child is an in-process
/// gRPC server serving a real sealed store, changed on the way as each test says. (A child whose
/// records break the rules: <c>ReceiptCheckTests</c> and <c>Federation.Tests/Exchange/TamperedChildTests</c>;
/// a child killed mid-stream: <c>InterruptedTransferTests</c>.)
/// </summary>
public sealed class LyingChildTests : IAsyncLifetime
{
    private static readonly Period October = Period.Parse("2026-10-31");
    private static readonly ChildOptions Child = new() { Id = "city-440100", DivisionCode = "440100", Address = "" };
    private readonly TempDirectory _directory = new();
    private readonly Lies _lies = new();
    private SqliteStore _child = null!;
    private SqliteStore _parent = null!;
    private WebApplication _server = null!;
    private ServiceProvider _services = null!;
    private ChildOptions _at = null!;
    private string _digest = "";

    public async Task InitializeAsync()
    {
        // The child's sealed period: 40 people of 天河区 (440106), valid IDs.
        _child = SqliteStore.Open(new StoreOptions { Path = _directory.File("child.db"), NodeId = Child.Id });
        using (var staging = _child.Staging.BeginStaging())
        {
            for (var i = 0; i < 40; i++)
            {
                var first17 = $"44010619900101{i:D2}1"; // an odd sequence digit: a man, as sex "1" says
                staging.Upsert(Dataset.Persons, [first17 + CitizenId.CheckCharacter(first17), "张三", "1", "1990-01-01", "440106", "1", "440106", "1"]);
            }
            staging.Commit();
        }
        _digest = _child.Periods.Seal(October, DateTimeOffset.UtcNow).Digest;
        _parent = SqliteStore.Open(new StoreOptions { Path = _directory.File("parent.db"), NodeId = "province-440000" });

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(_lies);
        builder.Services.AddSingleton(_child);
        _server = builder.Build();
        _server.MapGrpcService<LyingExchange>();
        await _server.StartAsync().DefaultTimeout();
        var port = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        _at = new ChildOptions { Id = Child.Id, DivisionCode = Child.DivisionCode, Address = $"http://127.0.0.1:{port}" };

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new Node.Security.RevocationList(
            new Node.Security.SecurityPaths(null, null, _directory.File("audit.key"), _directory.File("security.db")), null, TimeProvider.System,
            NullLogger<Node.Security.RevocationList>.Instance));
        ChildClients.Register(services, [_at], new ChildTlsSettings(null, null, null), 4 * 1024 * 1024);
        // The parent's pull as the node builds it (its stages through DI), on this test's store.
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IChildTransfers>(_parent.Transfers);
        services.AddSingleton(provider => new SignedPeriodCheck(_parent.Signatures, _parent.Transfers, provider.GetRequiredService<Node.Security.RevocationList>(), new DeploymentAuthority(null), null,
            Federation.Shared.PeriodSignatures.Ecdsa, TimeProvider.System, NullLogger<SignedPeriodCheck>.Instance));
        services.AddPullPipeline();
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
        _child.Dispose();
        _parent.Dispose();
        _directory.Dispose();
    }

    private Task<PullResult> PullAsync(Period? period = null) => _services.GetRequiredService<ChildPuller>().PullAsync(_at, period, CancellationToken.None);

    // Then the same child tells the truth: received whole, with the digest it sealed.
    private async Task AssertHonestPullCommitsAsync()
    {
        _lies.Reset();
        var honest = await PullAsync().DefaultTimeout();
        Assert.Equal((_digest, false), (honest.Digest, honest.AlreadyCurrent));
        Assert.Equal(_digest, Assert.Single(_parent.Transfers.ListChildManifests(Child.Id)).Digest);
    }

    [Fact]
    public async Task WrongDigest_IsRefusedAtCommit_NothingCommitted()
    {
        // The manifest claims a digest the records do not have (same algorithm, one hex digit off).
        var wrong = _digest[..^1] + (_digest[^1] == '0' ? '1' : '0');
        _lies.Manifest = m => m.Digest = wrong;

        var refused = await Assert.ThrowsAsync<StoreException>(() => PullAsync());

        Assert.Contains($"the received data's digest is {_digest}, the manifest says {wrong}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("it was discarded, not committed", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_parent.Transfers.ListChildManifests(Child.Id));
        Assert.Null(_parent.GetTransfer(Child.Id, October));
        await AssertHonestPullCommitsAsync();
    }

    [Fact]
    public async Task StreamCutShortWithoutItsEnd_IsNotCommitted_AndResumesToTheRightDigest()
    {
        _lies.StopAfterBatches = 3;

        var cut = await Assert.ThrowsAsync<RpcException>(() => PullAsync());

        Assert.Equal(StatusCode.Unavailable, cut.StatusCode);
        Assert.Contains("city-440100's snapshot stream ended without its end marker; the transfer resumes next time", cut.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(_parent.Transfers.ListChildManifests(Child.Id));
        Assert.Equal(15, _parent.GetTransfer(Child.Id, October)!.Records);
        _lies.Reset();
        var resumed = await PullAsync().DefaultTimeout();
        Assert.Equal((_digest, true, 25L), (resumed.Digest, resumed.Resumed, resumed.Records));
    }

    [Fact]
    public async Task StreamCutShortWithItsEnd_IsRefusedOnTheCounts_NothingCommitted()
    {
        // A batch left out, the end marker sent as if the snapshot were whole.
        _lies.DropBatch = 2;

        var refused = await Assert.ThrowsAsync<StoreException>(() => PullAsync());

        Assert.Contains("persons: received 35 records, the manifest says 40", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_parent.Transfers.ListChildManifests(Child.Id));
        Assert.Null(_parent.GetTransfer(Child.Id, October));
        await AssertHonestPullCommitsAsync();
    }

    [Fact]
    public async Task Stream_IsAskedWithoutTheManifest_WhichComesFromGetManifestOnly()
    {
        // This child sends the manifest in the stream anyway, as a child that does not know
        // without_manifest does: the pull still commits.
        await AssertHonestPullCommitsAsync();

        Assert.Equal([true], _lies.WithoutManifestAsked);
    }

    [Fact]
    public async Task EndMarkerWithAnotherDigest_IsRefusedAsChanged_NothingCommitted()
    {
        // The records are the sealed ones, but the stream ends saying another snapshot was sent.
        _lies.EndDigest = _digest[..^1] + (_digest[^1] == '0' ? '1' : '0');

        var changed = await Assert.ThrowsAsync<RpcException>(() => PullAsync());

        Assert.Equal(StatusCode.Aborted, changed.StatusCode);
        Assert.Contains("city-440100's snapshot changed during the pull; it will be pulled again", changed.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(_parent.Transfers.ListChildManifests(Child.Id));
        await AssertHonestPullCommitsAsync();
    }

    [Fact]
    public async Task StreamManifestOfAnOldChild_WithAnotherDigest_IsRefusedAsChanged_NothingCommitted()
    {
        // GetManifest says one snapshot, the (old) child's stream starts with the manifest of another.
        _lies.StreamManifest = m => m.Digest = m.Digest[..^1] + (m.Digest[^1] == '0' ? '1' : '0');

        var changed = await Assert.ThrowsAsync<RpcException>(() => PullAsync());

        Assert.Equal(StatusCode.Aborted, changed.StatusCode);
        Assert.Empty(_parent.Transfers.ListChildManifests(Child.Id));
        await AssertHonestPullCommitsAsync();
    }

    [Theory]
    [InlineData("2026-10-31", "2026-09-30", "city-440100 was asked for period 2026-10-31 and answered with period 2026-09-30; nothing was taken")]
    [InlineData("", "2099-12-31", "city-440100 serves period 2099-12-31, which is in the future for this node (Period 2099-12-31 is in the future (today is ")]
    [InlineData("", "2026-13-45", "city-440100 answered with a period that is not a date of the form YYYY-MM-DD (10 characters); nothing was taken")]
    public async Task WrongPeriod_IsRefusedBeforeAnythingIsTaken(string asked, string answered, string expected)
    {
        _lies.Manifest = m => m.Period = answered;

        var refused = await Assert.ThrowsAsync<RpcException>(() => PullAsync(asked.Length == 0 ? null : Period.Parse(asked)));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.StartsWith(expected, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(_parent.Transfers.ListChildManifests(Child.Id));
        Assert.Null(_parent.GetTransfer(Child.Id, Period.TryParse(answered, out var p) ? p : October));
        Assert.Null(_parent.GetTransfer(Child.Id, October));
        await AssertHonestPullCommitsAsync();
    }

    /// <summary>How the child lies this time.</summary>
    private sealed class Lies
    {
        public Action<SnapshotManifest>? Manifest { get; set; }

        public int? StopAfterBatches { get; set; }

        public int? DropBatch { get; set; }

        public Action<SnapshotManifest>? StreamManifest { get; set; }

        public string? EndDigest { get; set; }

        public List<bool> WithoutManifestAsked { get; } = [];

        public void Reset()
        {
            (Manifest, StopAfterBatches, DropBatch, StreamManifest, EndDigest) = (null, null, null, null, null);
            WithoutManifestAsked.Clear();
        }
    }

    /// <summary>The child's Exchange: its real sealed period, in batches of 5 records, changed as <see cref="Lies"/> says.</summary>
    private sealed class LyingExchange(Lies lies, SqliteStore store) : Protocol.V1.Exchange.ExchangeBase
    {
        public override Task<SnapshotManifest> GetManifest(GetManifestRequest request, ServerCallContext context) => Task.FromResult(Manifest());

        public override async Task StreamSnapshot(StreamSnapshotRequest request, IServerStreamWriter<SnapshotChunk> responseStream, ServerCallContext context)
        {
            // Sent whatever the request says, as a child that does not know without_manifest does.
            lies.WithoutManifestAsked.Add(request.WithoutManifest);
            var streamManifest = Manifest();
            lies.StreamManifest?.Invoke(streamManifest);
            await responseStream.WriteAsync(new SnapshotChunk { Manifest = streamManifest });
            (string Dataset, string AfterOrigin, string AfterKey) skip = request.ResumeFrom is { } from ? (from.Dataset, from.AfterOrigin, from.AfterKey) : ("", "", "");
            var started = skip.Dataset.Length == 0;
            var batches = 0;
            long sent = 0;
            foreach (var dataset in Dataset.All)
            {
                if (!started && dataset.Name != skip.Dataset)
                {
                    continue;
                }
                var (afterOrigin, afterKey) = started ? ("", "") : (skip.AfterOrigin, skip.AfterKey);
                started = true;
                foreach (var batch in store.Periods.ReadSealedPacked(October, dataset, afterOrigin, afterKey, 5, 1024 * 1024))
                {
                    batches++;
                    if (batches == lies.DropBatch)
                    {
                        continue;
                    }
                    await responseStream.WriteAsync(new SnapshotChunk
                    {
                        Records = new RecordBatch
                        {
                            Dataset = dataset.Name, Packed = ByteString.CopyFrom(batch.Bytes.Span), PackedRecords = batch.Records,
                            Cursor = new SnapshotCursor { Dataset = dataset.Name, AfterOrigin = batch.LastOrigin, AfterKey = batch.LastKey },
                        },
                    });
                    sent += batch.Records;
                    if (batches == lies.StopAfterBatches)
                    {
                        return;
                    }
                }
            }
            await responseStream.WriteAsync(new SnapshotChunk { End = new SnapshotEnd { Records = sent, Digest = lies.EndDigest ?? Manifest().Digest } });
        }

        private SnapshotManifest Manifest()
        {
            var manifest = store.Periods.GetManifest(October)!;
            var proto = new SnapshotManifest
            {
                NodeId = Child.Id, DivisionCode = Child.DivisionCode, Period = manifest.Period.ToString(), Digest = manifest.Digest,
                TotalRecords = manifest.TotalRecords, SealedAt = manifest.SealedAt.ToString("O", CultureInfo.InvariantCulture),
            };
            foreach (var (dataset, count) in manifest.Counts)
            {
                proto.Counts[dataset] = count;
            }
            lies.Manifest?.Invoke(proto);
            return proto;
        }
    }
}
