using Federation.Store.Security;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Store.Tests.Security;

/// <summary>
/// The hash-chained audit log: appends in order, refuses changes in the database itself, and
/// finds — and places — every kind of tampering done behind its back; the parent's witness finds
/// a rewritten or shortened history by its own arithmetic, and keeps a break until it is acknowledged.
/// </summary>
public sealed class AuditLogTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _path;

    public AuditLogTests() => _path = _directory.File("node.security.db");

    public void Dispose() => _directory.Dispose();

    private static AuditEntry Entry(int i) => new(new DateTimeOffset(2026, 11, 30, 8, 0, i, TimeSpan.Zero), $"account:user{i % 3}", i % 2 == 0 ? "" : "agency@ministry",
        "/federation.v1.Verification/VerifyCertificate", "440***********01", $"key{i}", "OK", "city-440100");

    private AuditLog WriteTen()
    {
        var log = AuditLog.Open(_path);
        log.Append([.. Enumerable.Range(1, 4).Select(Entry)]);
        log.Append([.. Enumerable.Range(5, 6).Select(Entry)]);
        return log;
    }

    [Fact]
    public void Appends_AreNumberedAndChained_AndTheWholeChainVerifies()
    {
        using var log = WriteTen();
        var entries = log.Read(0, 100);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(AuditLog.Genesis, entries[0].Prev);
        Assert.All(entries.Skip(1).Zip(entries), pair => Assert.Equal(pair.Second.Hash, pair.First.Prev));
        Assert.Equal(new AuditHead(10, entries[^1].Hash), log.Head());
        Assert.Empty(log.Verify());
        // Filters: one account's calls (made by it or on its behalf), one subject's.
        Assert.Equal([2L, 5, 8], log.Read(0, 100, account: "user2").Select(e => e.Seq));
        Assert.Equal([1L, 3, 5, 7, 9], log.Read(0, 100, account: "agency").Select(e => e.Seq));
        Assert.Equal([7L], log.Read(0, 100, subjectKey: "key7").Select(e => e.Seq));
    }

    [Fact]
    public void TheDatabase_RefusesUpdatesAndDeletes()
    {
        using (WriteTen())
        {
        }
        using var connection = Open();
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => Execute(connection, "UPDATE audit SET outcome = 'PermissionDenied' WHERE seq = 3")).Message, StringComparison.Ordinal);
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => Execute(connection, "DELETE FROM audit WHERE seq = 3")).Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, long, string> Tamperings => new()
    {
        { "edited", "UPDATE audit SET principal = 'account:someone-else' WHERE seq = 4", 4, "edited" },
        { "deleted", "DELETE FROM audit WHERE seq = 6", 6, "deleted" },
        // Inserted, with later entries renumbered and the forged entry linked and hashed correctly:
        // the entry after it still names the old one before it.
        { "inserted", "UPDATE audit SET seq = seq + 100 WHERE seq >= 5; UPDATE audit SET seq = seq - 99 WHERE seq >= 105; " +
                      "INSERT INTO audit SELECT 5, at, 'account:forger', '', method, subject, subject_key, outcome, node, hash, '' FROM audit WHERE seq = 4", 5, "inserted" },
        // Two entries swapped (their numbers kept).
        { "reordered", "UPDATE audit SET seq = 100 WHERE seq = 7; UPDATE audit SET seq = 7 WHERE seq = 8; UPDATE audit SET seq = 8 WHERE seq = 100", 7, "reordered" },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void Tampering_IsDetected_AndPlaced(string name, string sql, long seq, string kind)
    {
        using (WriteTen())
        {
        }
        Tamper(sql);
        if (name == "inserted")
        {
            // The forger computes a correct hash for the entry they insert.
            ChainedAuditEntry forged;
            using (var log = AuditLog.Open(_path))
            {
                forged = log.Read(4, 1)[0];
            }
            Tamper($"UPDATE audit SET hash = '{AuditLog.HashOf(5, forged.Entry, forged.Prev)}' WHERE seq = 5");
        }
        using var tampered = AuditLog.Open(_path);
        var problems = tampered.Verify();
        Assert.NotEmpty(problems);
        Assert.Equal((seq, kind), (problems[0].Seq, problems[0].Kind));
    }

    [Fact]
    public void TheProof_MovesTheWitnessOn_OnlyOverEntriesItRecomputes_PageByPage()
    {
        using var child = WriteTen();
        var witnessed = child.Head();
        child.Append([.. Enumerable.Range(11, 5).Select(Entry)]);
        var head = child.Head();

        // Nothing new: the witnessed head stands.
        Assert.Equal(new ChainCheck(witnessed, null), AuditChainProof.Check(witnessed, [], witnessed));
        // A first page of the gap, then the rest: each page moves the witness to its last entry.
        var page = AuditChainProof.Check(witnessed, child.Read(10, 2), head);
        Assert.Null(page.Break);
        Assert.Equal(new AuditHead(12, child.HashAt(12)!), page.Head);
        var rest = AuditChainProof.Check(page.Head, child.Read(12, 100), head);
        Assert.Equal(new ChainCheck(head, null), rest);

        // Updates that prove nothing are refused, not taken as a break: a head without its entries,
        // entries out of order, entries beyond the head.
        Assert.Throws<AuditProofException>(() => AuditChainProof.Check(witnessed, [], head));
        Assert.Throws<AuditProofException>(() => AuditChainProof.Check(witnessed, child.Read(11, 2), head));
        Assert.Throws<AuditProofException>(() => AuditChainProof.Check(witnessed, child.Read(10, 5), new AuditHead(12, child.HashAt(12)!)));
    }

    [Fact]
    public void TheProof_FindsACut_ARewrittenHistory_AndAnEditedNewEntry()
    {
        AuditHead witnessed;
        using (var child = WriteTen())
        {
            witnessed = child.Head();
        }

        // The newest entries cut off: a valid, shorter chain.
        Tamper("DELETE FROM audit WHERE seq > 8");
        using (var cut = AuditLog.Open(_path))
        {
            Assert.Empty(cut.Verify());
            var check = AuditChainProof.Check(witnessed, [], cut.Head());
            Assert.Equal(witnessed, check.Head);
            Assert.Equal((9L, "cut"), (check.Break!.Seq, check.Break.Kind));
            Assert.Contains("entries 9…10 were cut off its end", check.Break.Detail, StringComparison.Ordinal);
            // Cut, and as many entries written again: the new entry 9 does not link to the witnessed 10.
            cut.Append([Entry(49), Entry(50), Entry(51)]);
            var regrown = AuditChainProof.Check(witnessed, cut.Read(10, 100), cut.Head());
            Assert.Equal((10L, "rewritten"), (regrown.Break!.Seq, regrown.Break.Kind));
        }

        // An old entry rewritten and every hash after it recomputed: the chain verifies on its own,
        // but its head is not the one witnessed.
        Tamper("DELETE FROM audit WHERE seq > 10");
        Tamper("UPDATE audit SET outcome = 'PermissionDenied' WHERE seq = 3");
        Rechain();
        using (var rewritten = AuditLog.Open(_path))
        {
            Assert.Empty(rewritten.Verify());
            var check = AuditChainProof.Check(witnessed, [], rewritten.Head());
            Assert.Equal((10L, "rewritten"), (check.Break!.Seq, check.Break.Kind));
            Assert.Contains("entry 10 now has hash", check.Break.Detail, StringComparison.Ordinal);
            // The same, seen through entries written after it.
            rewritten.Append([Entry(11)]);
            var later = AuditChainProof.Check(witnessed, rewritten.Read(10, 100), rewritten.Head());
            Assert.Equal((10L, "rewritten"), (later.Break!.Seq, later.Break.Kind));
            Assert.Contains("not to entry 10 as witnessed", later.Break.Detail, StringComparison.Ordinal);
        }

        // A new entry's content changed without recomputing its hash: the parent's own arithmetic finds it.
        using var honest = AuditLog.Open(_directory.File("honest.security.db"));
        honest.Append([.. Enumerable.Range(1, 3).Select(Entry)]);
        var from = honest.Head();
        honest.Append([Entry(4), Entry(5)]);
        var entries = honest.Read(3, 100).ToList();
        entries[0] = entries[0] with { Entry = entries[0].Entry with { Outcome = "PermissionDenied" } };
        var edited = AuditChainProof.Check(from, entries, honest.Head());
        Assert.Equal((4L, "edited"), (edited.Break!.Seq, edited.Break.Kind));
    }

    // The same serialisation AuditLog.HashOf documents, written out here as the test's own oracle.
    private static byte[] Serialised(long seq, AuditEntry entry, string prev) =>
        System.Text.Encoding.UTF8.GetBytes(string.Concat(new[] { prev, seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                SecurityDatabase.Iso(entry.At), entry.Principal, entry.OnBehalfOf, entry.Method, entry.Subject, entry.SubjectKey, entry.Outcome, entry.Node }
            .Select(field => $"{field.Length}:{field}")));

    private static string BouncyCastleSm3(byte[] data)
    {
        var sm3 = new Org.BouncyCastle.Crypto.Digests.SM3Digest();
        sm3.BlockUpdate(data, 0, data.Length);
        var hash = new byte[32];
        sm3.DoFinal(hash, 0);
        return Convert.ToHexStringLower(hash);
    }

    [Fact]
    public void ANationalLog_ChainsWithSm3_OverTheSameBytes_AndAStandardLogIsUnchanged()
    {
        // GB/T 32905 Appendix A, example 1, through the store's helper.
        Assert.Equal("sm3:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", DigestAlgorithm.Sm3.Digest("abc"u8));

        using var national = AuditLog.Open(_directory.File("national.security.db"), DigestAlgorithm.Sm3);
        using var standard = AuditLog.Open(_path, DigestAlgorithm.Sha256);
        Assert.Equal((DigestAlgorithm.Sm3, DigestAlgorithm.Sha256), (national.Algorithm, standard.Algorithm));
        national.Append([.. Enumerable.Range(1, 5).Select(Entry)]);
        standard.Append([.. Enumerable.Range(1, 5).Select(Entry)]);
        foreach (var entry in national.Read(0, 100))
        {
            Assert.Equal("sm3:" + BouncyCastleSm3(Serialised(entry.Seq, entry.Entry, entry.Prev)), entry.Hash);
        }
        foreach (var entry in standard.Read(0, 100))
        {
            // SHA-256, bare hex, as before the option existed.
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Serialised(entry.Seq, entry.Entry, entry.Prev))), entry.Hash);
        }
        Assert.Empty(national.Verify());
    }

    [Fact]
    public void AnSm3Chain_FindsTampering_AndItsWitnessFindsARewrite_RecomputingWithSm3()
    {
        var path = _directory.File("national.security.db");
        AuditHead witnessed;
        using (var log = AuditLog.Open(path, DigestAlgorithm.Sm3))
        {
            log.Append([.. Enumerable.Range(1, 10).Select(Entry)]);
            witnessed = log.Head();
            log.Append([Entry(11), Entry(12)]);
            Assert.Equal(new ChainCheck(log.Head(), null), AuditChainProof.Check(witnessed, log.Read(10, 100), log.Head(), DigestAlgorithm.Sm3));
        }
        TamperAt(path, "UPDATE audit SET principal = 'account:someone-else' WHERE seq = 4");
        using (var log = AuditLog.Open(path))
        {
            Assert.Equal(DigestAlgorithm.Sm3, log.Algorithm);
            Assert.Equal((4L, "edited"), (log.Verify()[0].Seq, log.Verify()[0].Kind));
            // Entry 11 edited after the witness saw 10: the parent's SM3 arithmetic finds it.
            var entries = log.Read(10, 100).ToList();
            entries[0] = entries[0] with { Entry = entries[0].Entry with { Outcome = "PermissionDenied" } };
            Assert.Equal((11L, "edited"), (AuditChainProof.Check(witnessed, entries, log.Head(), DigestAlgorithm.Sm3).Break!.Seq,
                AuditChainProof.Check(witnessed, entries, log.Head(), DigestAlgorithm.Sm3).Break!.Kind));
            // Cut: a valid shorter chain, a break for the witness.
            TamperAt(path, "DELETE FROM audit WHERE seq > 8");
            Assert.Equal((9L, "cut"), (AuditChainProof.Check(witnessed, [], log.Head(), DigestAlgorithm.Sm3).Break!.Seq,
                AuditChainProof.Check(witnessed, [], log.Head(), DigestAlgorithm.Sm3).Break!.Kind));
        }
    }

    [Fact]
    public void TheWitness_RefusesAChildChainingWithAnotherAlgorithm_AsProvingNothing()
    {
        using var child = AuditLog.Open(_directory.File("national.security.db"), DigestAlgorithm.Sm3);
        child.Append([.. Enumerable.Range(1, 3).Select(Entry)]);
        var head = child.Head();
        // A standard parent (and a national parent a standard child): refused with the reason, not taken as a break.
        var refused = Assert.Throws<AuditProofException>(() => AuditChainProof.Check(new AuditHead(0, AuditLog.Genesis), child.Read(0, 100), head, DigestAlgorithm.Sha256));
        Assert.Contains("hashed with SM3, but this tree uses SHA-256 (Security:Crypto)", refused.Message, StringComparison.Ordinal);
        using var standard = WriteTen();
        Assert.Throws<AuditProofException>(() => AuditChainProof.RequireAlgorithm(standard.Head(), DigestAlgorithm.Sm3));
        // The empty chain belongs to either.
        AuditChainProof.RequireAlgorithm(new AuditHead(0, AuditLog.Genesis), DigestAlgorithm.Sm3);
    }

    [Fact]
    public void ALogKeepsTheAlgorithmItWasCreatedWith_AndRefusesAnotherNamingTheFile()
    {
        // A log from before the option (entries, nothing recorded) is SHA-256.
        using (WriteTen())
        {
        }
        using (var connection = Open())
        {
            Execute(connection, "DELETE FROM meta WHERE key = 'audit_hash'");
        }
        var toNational = Assert.Throws<StoreException>(() => AuditLog.Open(_path, DigestAlgorithm.Sm3));
        Assert.Contains(_path, toNational.Message, StringComparison.Ordinal);
        Assert.Contains("chained with SHA-256, but Security:Crypto selects SM3", toNational.Message, StringComparison.Ordinal);
        Assert.Contains("set Security:Crypto back to standard", toNational.Message, StringComparison.Ordinal);
        using (var reopened = AuditLog.Open(_path, DigestAlgorithm.Sha256))
        {
            Assert.Empty(reopened.Verify());
        }

        // A new national log stays SM3, whatever opens it later.
        var national = _directory.File("national.security.db");
        using (AuditLog.Open(national, DigestAlgorithm.Sm3))
        {
        }
        var toStandard = Assert.Throws<StoreException>(() => AuditLog.Open(national, DigestAlgorithm.Sha256));
        Assert.Contains("chained with SM3, but Security:Crypto selects SHA-256", toStandard.Message, StringComparison.Ordinal);
        using var offline = AuditLog.Open(national);
        Assert.Equal(DigestAlgorithm.Sm3, offline.Algorithm);
    }

    [Fact]
    public void TheWitnessBook_KeepsABreakOpen_AcrossRestarts_UntilAnAuditorAcknowledgesIt()
    {
        var now = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        var path = _directory.File("parent.security.db");
        var good = new AuditHead(10, new string('a', 64));
        using (var book = AuditWitnesses.Open(path))
        {
            Assert.Null(book.Witnessed("city-440100"));
            book.Advance("city-440100", good, now);
            var (found, isNew) = book.RecordBreak("city-440100", new AuditProblem(9, "cut", "entries 9…10 were cut off its end"), good, new AuditHead(8, new string('b', 64)), now.AddSeconds(5));
            Assert.True(isNew);
            Assert.True(found.Open);
            // A second finding adds nothing: the first is the one to explain.
            var (again, isNewAgain) = book.RecordBreak("city-440100", new AuditProblem(10, "rewritten", "later"), good, new AuditHead(12, new string('c', 64)), now.AddSeconds(9));
            Assert.False(isNewAgain);
            Assert.Equal(found, again);
            // The witnessed head does not move while the break is open.
            Assert.Throws<StoreException>(() => book.Advance("city-440100", new AuditHead(12, new string('c', 64)), now.AddSeconds(10)));
        }
        using (var book = AuditWitnesses.Open(path))
        {
            var open = book.OpenBreak("city-440100")!;
            Assert.Equal(("cut", 9L, 10L, 8L), (open.Kind, open.Seq, open.WitnessedSeq, open.ChildSeq));
            Assert.Equal(good, book.Witnessed("city-440100")!.Head);
            Assert.Null(book.OpenBreak("city-440300"));

            var acknowledged = book.Acknowledge("city-440100", "account:auditor", "the city restored its audit log from backup", now.AddHours(1));
            Assert.Equal(("account:auditor", "the city restored its audit log from backup", now.AddHours(1)), (acknowledged.AcknowledgedBy, acknowledged.Reason, acknowledged.AcknowledgedAt));
            Assert.Null(book.OpenBreak("city-440100"));
            // The next head the child shows becomes the baseline.
            Assert.Null(book.Witnessed("city-440100"));
            Assert.Throws<StoreException>(() => book.Acknowledge("city-440100", "account:auditor", "nothing open", now.AddHours(2)));
            Assert.Single(book.Breaks("city-440100"));
        }
    }

    [Fact]
    public void AVersion1Database_KeepsItsLastWitnessedHead_AndItsLastBreakOpens()
    {
        var path = _directory.File("parent.security.db");
        using (AuditWitnesses.Open(path))
        {
        }
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, $"""
                UPDATE meta SET value = '1' WHERE key = 'version';
                INSERT INTO audit_witness VALUES ('city-440100', 10, '{new string('a', 64)}', '2026-11-30T08:00:00.0000000Z', 1, '');
                INSERT INTO audit_witness VALUES ('city-440100', 8, '{new string('b', 64)}', '2026-11-30T09:00:00.0000000Z', 0, 'the chain is shorter');
                INSERT INTO audit_witness VALUES ('city-440100', 12, '{new string('c', 64)}', '2026-11-30T10:00:00.0000000Z', 1, '');
                INSERT INTO audit_witness VALUES ('city-440300', 5, '{new string('d', 64)}', '2026-11-30T10:00:00.0000000Z', 1, '');
                """);
        }
        using var book = AuditWitnesses.Open(path);
        // The head the earlier version compared against last, and its break left for an auditor.
        Assert.Equal(new AuditHead(12, new string('c', 64)), book.Witnessed("city-440100")!.Head);
        var open = book.OpenBreak("city-440100")!;
        Assert.Equal(("pull", 8L), (open.Kind, open.Seq));
        Assert.StartsWith("the chain is shorter (found at a pull by an earlier version", open.Problem, StringComparison.Ordinal);
        Assert.Equal(5, book.Witnessed("city-440300")!.Seq);
        Assert.Null(book.OpenBreak("city-440300"));
    }

    // What a tamperer with the file would do: recompute every link and hash.
    private void Rechain()
    {
        IReadOnlyList<ChainedAuditEntry> entries;
        using (var log = AuditLog.Open(_path))
        {
            entries = log.Read(0, 1000);
        }
        var prev = AuditLog.Genesis;
        foreach (var entry in entries)
        {
            var hash = AuditLog.HashOf(entry.Seq, entry.Entry, prev);
            Tamper($"UPDATE audit SET prev = '{prev}', hash = '{hash}' WHERE seq = {entry.Seq}");
            prev = hash;
        }
    }

    // Writes behind the log's back, as someone with the file would: the append-only triggers
    // dropped first (opening the log creates them again).
    private void Tamper(string sql) => TamperAt(_path, sql);

    private static void TamperAt(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "DROP TRIGGER IF EXISTS audit_append_only_update; DROP TRIGGER IF EXISTS audit_append_only_delete;");
        Execute(connection, sql);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
