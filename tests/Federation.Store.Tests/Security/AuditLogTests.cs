using Federation.Store.Security;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Store.Tests.Security;

/// <summary>
/// The hash-chained audit log: appends in order, refuses changes in the database itself, and
/// finds — and places — every kind of tampering done behind its back; the parent's witness finds
/// a rewritten or shortened history.
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
    public void TheWitness_FindsARewrittenOrShortenedHistory()
    {
        var now = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        using var child = WriteTen();
        using var parent = AuditLog.Open(_directory.File("parent.security.db"));
        var first = parent.RecordWitness("city-440100", child.Head(), null, now);
        Assert.True(first.Consistent);

        // The child grows honestly: the entry witnessed before keeps its hash.
        child.Append([Entry(11)]);
        Assert.True(parent.RecordWitness("city-440100", child.Head(), child.HashAt(first.Seq), now.AddHours(1)).Consistent);

        // The child rewrites entry 3 and recomputes every hash after it: the chain verifies on its
        // own, but entry 11 no longer has the hash the parent recorded.
        child.Dispose();
        Tamper("UPDATE audit SET outcome = 'PermissionDenied' WHERE seq = 3");
        Rechain();
        using var rewritten = AuditLog.Open(_path);
        Assert.Empty(rewritten.Verify());
        var broken = parent.RecordWitness("city-440100", rewritten.Head(), rewritten.HashAt(11), now.AddHours(2));
        Assert.False(broken.Consistent);
        Assert.Contains("entry 11 no longer has the hash", broken.Problem, StringComparison.Ordinal);

        // Entries cut off the end.
        Tamper("DELETE FROM audit WHERE seq > 8");
        using var shortened = AuditLog.Open(_path);
        var cut = parent.RecordWitness("city-440100", shortened.Head(), shortened.HashAt(11), now.AddHours(3));
        Assert.False(cut.Consistent);
        Assert.Contains("shorter", cut.Problem, StringComparison.Ordinal);
        Assert.Equal(cut, parent.LatestWitness("city-440100"));
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
    private void Tamper(string sql)
    {
        using var connection = Open();
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
