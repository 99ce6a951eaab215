using Microsoft.Data.Sqlite;
using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>A parent receiving a child's sealed snapshot: resumable, verified, atomic, immutable — on each backend.</summary>
public abstract class ChildTransferTests : IDisposable
{
    protected static readonly DateOnly Period = new(2026, 10, 31);
    protected static readonly DateTimeOffset Now = new(2026, 11, 5, 8, 0, 0, TimeSpan.FromHours(8));
    private readonly StoreBackend _backend;
    private readonly INodeStore _child;

    protected ChildTransferTests(StoreBackend backend)
    {
        _backend = backend;
        _child = backend.Open("child");
        using (var staging = _child.Staging.BeginStaging())
        {
            for (var i = 0; i < 25; i++)
            {
                staging.Upsert(Dataset.Persons, [$"44010619900101{i:D3}X", $"人{i}", "1", "1990-01-01", "440106", "2", "440106", "1"]);
                staging.Upsert(Dataset.Employment, [$"E{i:D3}", $"44010619900101{i:D3}X", "flexible", "", "2026-10-01", "", "440106", i % 5 == 0 ? "0" : "1"]);
            }
            staging.Commit();
        }
        Manifest = _child.Periods.Seal(Period, Now);
    }

    protected Manifest Manifest { get; }

    public void Dispose()
    {
        _child.Dispose();
        _backend.Dispose();
        GC.SuppressFinalize(this);
    }

    protected INodeStore OpenParent() => _backend.Open("parent");

    /// <summary>Sends the child's snapshot from a cursor, in batches of <paramref name="batch"/>, stopping after <paramref name="maxBatches"/>.</summary>
    protected void Send(INodeStore parent, string cursorDataset, string afterOrigin, string afterKey, int batch = 7, int maxBatches = int.MaxValue,
        Func<IReadOnlyList<string>, IReadOnlyList<string>>? tamper = null, TransferDigest? digest = null)
    {
        var started = cursorDataset.Length == 0;
        foreach (var dataset in Dataset.All)
        {
            if (!started && dataset.Name != cursorDataset)
            {
                continue;
            }
            var (origin, after) = started ? ("", "") : (afterOrigin, afterKey);
            started = true;
            foreach (var chunk in _child.Periods.ReadSealedAfter(Period, dataset, origin, after).Chunk(batch))
            {
                if (maxBatches-- <= 0)
                {
                    return;
                }
                var rows = tamper is null ? chunk : chunk.Select(r => r with { Values = tamper(r.Values) }).ToArray();
                parent.Transfers.AppendTransfer("city-440100", Period, dataset, rows, Now);
                foreach (var row in rows)
                {
                    digest?.Append(dataset, row);
                }
            }
        }
    }

    [Fact]
    public void Transfer_Complete_CommitsWithTheChildsDigest()
    {
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);
        Send(parent, "", "", "");

        var committed = parent.Transfers.CommitTransfer("city-440100", Manifest, Now);

        Assert.Equal(Manifest.Digest, committed.Digest);
        Assert.Equal(25, committed.Counts["employment"]);
        Assert.Equal(Manifest.Digest, Assert.Single(parent.Transfers.ListChildManifests("city-440100")).Digest);
        Assert.Null(parent.GetTransfer("city-440100", Period));
    }

    [Fact]
    public void Transfer_InterruptedThenReopened_ResumesFromTheDurableCursor()
    {
        using (var parent = OpenParent())
        {
            parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);
            Send(parent, "", "", "", maxBatches: 3); // the process dies after 3 batches
        }

        using var reopened = OpenParent();
        var state = reopened.GetTransfer("city-440100", Period)!;
        Assert.Equal(21, state.Records);
        Assert.Equal("persons", state.Dataset);
        Assert.Equal(state, reopened.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now) with { });
        Assert.Equal("local", state.AfterOrigin);
        Send(reopened, state.Dataset, state.AfterOrigin, state.AfterKey);

        Assert.Equal(Manifest.Digest, reopened.Transfers.CommitTransfer("city-440100", Manifest, Now).Digest);
    }

    [Fact]
    public void Transfer_DigestComputedOnArrival_AcrossAResume_EqualsTheChilds()
    {
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);
        using (var first = parent.Transfers.OpenTransferDigest("city-440100", Period))
        {
            Send(parent, "", "", "", maxBatches: 5, digest: first); // the pull breaks off here
        }
        var state = parent.GetTransfer("city-440100", Period)!;
        using var resumed = parent.Transfers.OpenTransferDigest("city-440100", Period);
        Assert.Equal(state.Records, resumed.Counts.Values.Sum());

        Send(parent, state.Dataset, state.AfterOrigin, state.AfterKey, digest: resumed);
        var committed = parent.Transfers.CommitTransfer("city-440100", Manifest, Now, resumed);

        Assert.Equal(Manifest.Digest, committed.Digest);
        Assert.Equal(Manifest.Counts, committed.Counts);
    }

    [Fact]
    public void Transfer_Packed_ResumedHalfway_CommitsTheChildsDigest()
    {
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);
        // Packed batches of 4 records; the pull breaks off after the persons.
        using (var first = parent.Transfers.OpenTransferDigest("city-440100", Period))
        {
            foreach (var batch in _child.Periods.ReadSealedPacked(Period, Dataset.Persons, "", "", maxRecords: 4, maxBytes: 1 << 20))
            {
                parent.Transfers.AppendTransferPacked("city-440100", Period, Dataset.Persons, [batch.Bytes], Now);
                first.AppendPacked(Dataset.Persons, batch.Bytes.Span);
            }
        }
        var state = parent.GetTransfer("city-440100", Period)!;
        Assert.Equal(("persons", "local", "44010619900101024X", 25L), (state.Dataset, state.AfterOrigin, state.AfterKey, state.Records));

        using var resumed = parent.Transfers.OpenTransferDigest("city-440100", Period);
        foreach (var dataset in Dataset.All.Skip(1))
        {
            foreach (var batch in _child.Periods.ReadSealedPacked(Period, dataset, "", "", maxRecords: 4, maxBytes: 1 << 20))
            {
                parent.Transfers.AppendTransferPacked("city-440100", Period, dataset, [batch.Bytes], Now);
                resumed.AppendPacked(dataset, batch.Bytes.Span);
            }
        }

        var committed = parent.Transfers.CommitTransfer("city-440100", Manifest, Now, resumed);

        Assert.Equal(Manifest.Digest, committed.Digest);
        Assert.Equal(Manifest.Counts, committed.Counts);
        // The stored rows themselves give the same digest (values bound from UTF-8 intact).
        using var recomputed = parent.Transfers.OpenTransferDigest("city-440100", Period);
        Assert.Equal(Manifest.Digest, recomputed.Finish());
    }

    [Fact]
    public void Transfer_PackedRecordWithoutItsValues_IsRefused()
    {
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);

        var ex = Assert.Throws<StoreException>(() => parent.Transfers.AppendTransferPacked("city-440100", Period, Dataset.Persons, ["local\t440106199001010013\n"u8.ToArray()], Now));

        Assert.Contains("does not have an origin and 8 values", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, parent.GetTransfer("city-440100", Period)!.Records);
    }

    [Fact]
    public void Transfer_TamperedRecord_DigestOnArrival_IsNeverCommitted()
    {
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);
        using var digest = parent.Transfers.OpenTransferDigest("city-440100", Period);
        Send(parent, "", "", "", tamper: row => row[0] == "E003" ? [.. row.Take(row.Count - 1), "0"] : row, digest: digest);

        var ex = Assert.Throws<StoreException>(() => parent.Transfers.CommitTransfer("city-440100", Manifest, Now, digest));

        Assert.Contains("digest", ex.Message, StringComparison.Ordinal);
        Assert.Empty(parent.Transfers.ListChildManifests("city-440100"));
    }

    [Fact]
    public void Transfer_TamperedRecord_IsNeverCommitted()
    {
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);
        Send(parent, "", "", "", tamper: row => row[0] == "E003" ? [.. row.Take(row.Count - 1), "0"] : row);

        var ex = Assert.Throws<StoreException>(() => parent.Transfers.CommitTransfer("city-440100", Manifest, Now));

        Assert.Contains("does not match its manifest", ex.Message, StringComparison.Ordinal);
        Assert.Empty(parent.Transfers.ListChildManifests("city-440100"));
        Assert.Null(parent.GetTransfer("city-440100", Period));
    }

    [Fact]
    public void AbandonTransfer_Midway_LeavesNothingToResume_AndTheNextPullStartsOver()
    {
        // Arrange: a transfer broken off after 3 batches (a record refused at receipt)
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);
        Send(parent, "", "", "", maxBatches: 3);
        Assert.Equal(21, parent.GetTransfer("city-440100", Period)!.Records);

        // Act
        parent.Transfers.AbandonTransfer("city-440100", Period);

        // Assert: no cursor, no stored rows, nothing committed; the next transfer starts from nothing and commits
        Assert.Null(parent.GetTransfer("city-440100", Period));
        using (var stored = parent.Transfers.OpenTransferDigest("city-440100", Period))
        {
            Assert.Equal(0, stored.Counts.Values.Sum());
        }
        Assert.Empty(parent.Transfers.ListChildManifests("city-440100"));
        Assert.Equal(0, parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now).Records);
        Send(parent, "", "", "");
        Assert.Equal(Manifest.Digest, parent.Transfers.CommitTransfer("city-440100", Manifest, Now).Digest);
    }

    [Fact]
    public void Transfer_ChildSnapshotChangedMidway_StartsOver()
    {
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, "an-older-digest", Now);
        Send(parent, "", "", "", maxBatches: 2);

        var state = parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);

        Assert.Equal((0L, ""), (state.Records, state.Dataset));
    }
}

public sealed class ChildTransferTestsOnSqlite() : ChildTransferTests(new SqliteBackend())
{
    [Fact]
    public void CommittedChildSnapshot_IsImmutable()
    {
        using var parent = OpenParent();
        parent.Transfers.BeginTransfer("city-440100", Period, Manifest.Digest, Now);
        Send(parent, "", "", "");
        parent.Transfers.CommitTransfer("city-440100", Manifest, Now);

        using var connection = new SqliteConnection($"Data Source={parent.Path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE c_persons SET name = 'x'";
        Assert.Contains("immutable (R-4)", Assert.Throws<SqliteException>(() => command.ExecuteNonQuery()).Message, StringComparison.Ordinal);
    }
}

// On PostgreSQL the same refusal is the triggers' (PostgresStoreTests).
[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class ChildTransferTestsOnPostgres(PostgresServer server) : ChildTransferTests(new PostgresBackend(server.Cluster));
