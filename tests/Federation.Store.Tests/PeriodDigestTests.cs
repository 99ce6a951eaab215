using System.Security.Cryptography;
using System.Text;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Org.BouncyCastle.Crypto.Digests;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Period digests under either Security:Crypto setting (docs/snapshot-format.md, "Digest"): SM3
/// with <c>national</c>, written <c>sm3:</c>…, SHA-256 bare hex with <c>standard</c>; the algorithm
/// fixed in the store when it is created, a node configured otherwise refused — on each backend.
/// </summary>
public abstract class PeriodDigestTests(StoreBackend backend) : IDisposable
{
    protected static readonly DateOnly October = new(2026, 10, 31);
    protected static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));

    protected StoreBackend Backend => backend;

    public void Dispose()
    {
        backend.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static void Stage(INodeStore store, bool reversed = false)
    {
        var ids = Enumerable.Range(0, 6).Select(i => $"44010619900101{i:D3}X").ToList();
        if (reversed)
        {
            ids.Reverse();
        }
        using var staging = store.Staging.BeginStaging();
        foreach (var id in ids)
        {
            staging.Upsert(Dataset.Persons, [id, "张三", "1", "1990-01-01", "440106", "2", "440106", "1"]);
            staging.Upsert(Dataset.Employment, ["E" + id[^4..], id, "flexible", "", "2026-10-01", "", "440106", "1"]);
        }
        staging.Commit();
    }

    // The canonical form written out here from the sealed records, independently of the store's
    // digest code: per dataset "#name\n" (a later dataset only when it has records), then each
    // record as origin TAB values LF, in the order the store reads them back.
    private static byte[] CanonicalForm(INodeStore store, Period period)
    {
        var text = new StringBuilder();
        foreach (var dataset in Dataset.All)
        {
            var records = store.Periods.ReadSealed(period, dataset).ToList();
            if (dataset.DigestedWhenEmpty || records.Count > 0)
            {
                text.Append('#').Append(dataset.Name).Append('\n');
            }
            foreach (var record in records)
            {
                text.Append(record.Origin).Append('\t').AppendJoin('\t', record.Values).Append('\n');
            }
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string BouncyCastleSm3(byte[] data)
    {
        var sm3 = new SM3Digest();
        sm3.BlockUpdate(data, 0, data.Length);
        var hash = new byte[sm3.GetDigestSize()];
        sm3.DoFinal(hash, 0);
        return Convert.ToHexStringLower(hash);
    }

    [Fact]
    public void Seal_National_IsSm3OfTheCanonicalForm_Standard_IsSha256OfTheSame()
    {
        // Arrange
        using var national = backend.Open("national", digest: DigestAlgorithm.Sm3);
        using var otherNational = backend.Open("national-2", digest: DigestAlgorithm.Sm3);
        using var standard = backend.Open("standard", digest: DigestAlgorithm.Sha256);
        Stage(national);
        Stage(otherNational, reversed: true);
        Stage(standard);

        // Act
        var sm3 = national.Periods.Seal(October, Now);
        var sm3Again = otherNational.Periods.Seal(October, Now);
        var sha256 = standard.Periods.Seal(October, Now);

        // Assert: BouncyCastle's SM3 and .NET's SHA-256 over the same bytes, computed here
        var canonical = CanonicalForm(national, October);
        Assert.Equal(canonical, CanonicalForm(standard, October));
        Assert.Equal("sm3:" + BouncyCastleSm3(canonical), sm3.Digest);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(canonical)), sha256.Digest);
        // Equal data, equal digest on every node of one setting; recomputed from the rows, the same.
        Assert.Equal(sm3.Digest, sm3Again.Digest);
        Assert.Equal(sm3.Digest, national.Periods.RecomputeDigest(October));
        Assert.Equal((DigestAlgorithm.Sm3, DigestAlgorithm.Sha256), (national.Transfers.DigestAlgorithm, standard.Transfers.DigestAlgorithm));
    }

    [Fact]
    public void Transfer_NationalChildToNationalParent_CommitsTheSm3Digest_AndTheMergedPeriodIsSm3()
    {
        // Arrange
        using var child = backend.Open("city", "city-440100", DigestAlgorithm.Sm3);
        using var parent = backend.Open("province", "province-440000", DigestAlgorithm.Sm3);
        Stage(child);
        var sealedByChild = child.Periods.Seal(October, Now);

        // Act: the parent recomputes what arrives with its own algorithm, then merges
        var source = SnapshotTransfer.Transfer(child, "city-440100", parent, October, Now);
        var merged = parent.Periods.Seal(October, Now, [source]);

        // Assert
        Assert.Matches("^sm3:[0-9a-f]{64}$", sealedByChild.Digest);
        Assert.Equal(sealedByChild.Digest, Assert.Single(parent.Transfers.ListChildManifests("city-440100")).Digest);
        using (var recomputed = parent.Transfers.OpenTransferDigest("city-440100", October))
        {
            Assert.Equal(sealedByChild.Digest, recomputed.Finish());
        }
        Assert.Matches("^sm3:[0-9a-f]{64}$", merged.Digest);
        Assert.Equal(merged.Digest, parent.Periods.RecomputeDigest(October));
        Assert.Equal("sm3:" + BouncyCastleSm3(CanonicalForm(parent, October)), merged.Digest);
    }

    [Fact]
    public void Commit_ChildDigestOfTheOtherAlgorithm_IsNeverCommitted()
    {
        // Arrange: a standard child's period arriving at a national parent (the pull refuses it
        // before this; the store, which recomputes with its own algorithm, cannot agree either)
        using var child = backend.Open("city", "city-440100", DigestAlgorithm.Sha256);
        using var parent = backend.Open("province", "province-440000", DigestAlgorithm.Sm3);
        Stage(child);
        var manifest = child.Periods.Seal(October, Now);

        // Act
        var refused = Assert.Throws<StoreException>(() => SnapshotTransfer.Transfer(child, "city-440100", parent, October, Now));

        // Assert
        Assert.Contains("the received data's digest is sm3:", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"the manifest says {manifest.Digest}", refused.Message, StringComparison.Ordinal);
        Assert.Empty(parent.Transfers.ListChildManifests("city-440100"));
    }

    [Fact]
    public void Open_StoreCreatedNational_UnderStandard_IsRefusedNamingTheStore()
    {
        // Arrange
        using (var created = backend.Open("node", digest: DigestAlgorithm.Sm3))
        {
            Stage(created);
            created.Periods.Seal(October, Now);
        }

        // Act
        var refused = Assert.Throws<StoreException>(() => backend.Open("node", digest: DigestAlgorithm.Sha256));

        // Assert: the store, the two algorithms and the way back; offline tools take what is recorded
        Assert.Contains($"{backend.Where("node")}: its periods are digested with SM3, but Security:Crypto selects SHA-256 (Security:Crypto = standard)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("set Security:Crypto back to national", refused.Message, StringComparison.Ordinal);
        using var offline = backend.Open("node");
        Assert.Equal(DigestAlgorithm.Sm3, offline.Transfers.DigestAlgorithm);
        Assert.StartsWith("sm3:", offline.Periods.RecomputeDigest(October), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_StoreCreatedStandard_UnderNational_IsRefusedNamingTheStore()
    {
        // Arrange: created standard, still empty — the record made at creation holds
        using (backend.Open("node", digest: DigestAlgorithm.Sha256))
        {
        }

        // Act
        var refused = Assert.Throws<StoreException>(() => backend.Open("node", digest: DigestAlgorithm.Sm3));

        // Assert
        Assert.Contains($"{backend.Where("node")}: its periods are digested with SHA-256, but Security:Crypto selects SM3 (Security:Crypto = national)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("set Security:Crypto back to standard", refused.Message, StringComparison.Ordinal);
        using var reopened = backend.Open("node", digest: DigestAlgorithm.Sha256);
        Assert.Equal(DigestAlgorithm.Sha256, reopened.Transfers.DigestAlgorithm);
    }
}

public sealed class PeriodDigestTestsOnSqlite() : PeriodDigestTests(new SqliteBackend())
{
    [Fact]
    public void SnapshotDigest_Sm3_PublishedVector()
    {
        // GB/T 32905-2016 appendix A, example 1: the digest's SM3 is the standard's.
        using var digest = new SnapshotDigest(DigestAlgorithm.Sm3);
        digest.AppendBytes("abc"u8);

        Assert.Equal("sm3:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", digest.Finish());
    }

    [Fact]
    public void Open_StoreFromBeforeTheOption_WithSealedPeriods_IsSha256_WithoutAnyTakesTheNodes()
    {
        // Arrange: two stores as an older version left them — no algorithm recorded — one with a
        // sealed period, one empty
        using (var old = Backend.Open("sealed", digest: DigestAlgorithm.Sha256))
        {
            Stage(old);
            old.Periods.Seal(October, Now);
        }
        using (Backend.Open("empty", digest: DigestAlgorithm.Sha256))
        {
        }
        foreach (var name in new[] { "sealed", "empty" })
        {
            using var connection = new SqliteConnection($"Data Source={Backend.Where(name)};Pooling=false");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM meta WHERE key = 'period_digest'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        // Act + Assert: the sealed one is SHA-256, which its digests are; the empty one is the node's
        Assert.Contains("its periods are digested with SHA-256, but Security:Crypto selects SM3",
            Assert.Throws<StoreException>(() => Backend.Open("sealed", digest: DigestAlgorithm.Sm3)).Message, StringComparison.Ordinal);
        using var empty = Backend.Open("empty", digest: DigestAlgorithm.Sm3);
        Assert.Equal(DigestAlgorithm.Sm3, empty.Transfers.DigestAlgorithm);
    }

    [Fact]
    public void Backup_OfANationalStore_VerifiesAndDrillsWithSm3()
    {
        // Arrange
        using var directory = new TempDirectory();
        var store = (SqliteStore)Backend.Open("node", digest: DigestAlgorithm.Sm3);
        using (store)
        {
            Stage(store);
            store.Periods.Seal(October, Now);
            store.BackupTo(directory.File("backup.db"));
        }

        // Act
        var verified = SqliteBackups.Verify(directory.File("backup.db"));
        var drill = SqliteBackups.Drill(directory.File("backup.db"), "local", directory.File("scratch"));

        // Assert
        Assert.True(verified.Ok, string.Join("; ", verified.Problems));
        Assert.True(drill.Ok, string.Join("; ", drill.Problems));
        var period = Assert.Single(verified.Periods);
        Assert.True(period.Matches);
        Assert.StartsWith("sm3:", period.Digest, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusalOf_AChildsDigest_ByAlgorithmAndForm()
    {
        var sha256 = new string('a', 64);
        var sm3 = "sm3:" + new string('b', 64);

        Assert.Null(PeriodDigests.RefusalOf("city-440100", sha256, DigestAlgorithm.Sha256));
        Assert.Null(PeriodDigests.RefusalOf("city-440100", sm3, DigestAlgorithm.Sm3));
        Assert.Equal("the child's periods are digested with SM3, but this tree uses SHA-256 (Security:Crypto): every node of a tree has the same Security:Crypto; nothing was taken",
            PeriodDigests.RefusalOf("city-440100", sm3, DigestAlgorithm.Sha256));
        Assert.Equal("the child's periods are digested with SHA-256, but this tree uses SM3 (Security:Crypto): every node of a tree has the same Security:Crypto; nothing was taken",
            PeriodDigests.RefusalOf("city-440100", sha256, DigestAlgorithm.Sm3));
        Assert.Contains("which is not a digest", PeriodDigests.RefusalOf("city-440100", "sm3:" + new string('B', 64), DigestAlgorithm.Sm3), StringComparison.Ordinal);
        Assert.Contains("which is not a digest", PeriodDigests.RefusalOf("city-440100", "md5:abc", DigestAlgorithm.Sha256), StringComparison.Ordinal);
    }
}

[Collection(PostgresServer.Collection)]
public sealed class PeriodDigestTestsOnPostgres(PostgresServer server) : PeriodDigestTests(new PostgresBackend(server.Cluster));
