using System.Globalization;
using System.Text;
using Federation.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Security;

/// <summary>
/// The append-only, hash-chained audit log (R-20): each entry's hash is SHA-256 (or SM3, see
/// <see cref="Algorithm"/>) over the previous entry's hash and the entry's fields, so editing, deleting, inserting or reordering any entry
/// breaks the chain at that entry. Cutting entries off the end leaves a valid shorter chain, and so
/// does a chain recomputed from scratch: the parent's live witness (<see cref="AuditChainProof"/>,
/// <see cref="AuditWitnesses"/>) catches those. Appends come in batches, one transaction each.
/// The head is always read from the database, never remembered: a chain cut or rewritten behind the
/// node's back is what the node then shows its parent, and the next entry links to what is really
/// there (an index look-up per batch).
/// </summary>
public sealed class AuditLog : IDisposable
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly string[] ParameterNames = ["$seq", "$at", "$principal", "$obo", "$method", "$subject", "$key", "$outcome", "$node", "$prev", "$hash"];

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private AuditLog(SqliteConnection connection, DigestAlgorithm algorithm)
    {
        _connection = connection;
        Algorithm = algorithm;
    }

    /// <summary>
    /// The hash the chain is computed with, fixed when the log is created (the security database's
    /// meta <c>audit_hash</c>): SHA-256, or SM3 (hashes <c>sm3:</c>…) under <c>Security:Crypto = national</c>.
    /// A log created before the option has SHA-256.
    /// </summary>
    public DigestAlgorithm Algorithm { get; }

    /// <summary>Opens the log with whatever algorithm it was created with (offline tools: verification, backups).</summary>
    public static AuditLog Open(string path) => Open(path, expected: null);

    /// <summary>
    /// Opens the log of a node configured for <paramref name="expected"/>: a new log is created with it;
    /// an existing log chained with another algorithm is refused, naming the file (a chain cannot change
    /// its hash midway, and its parent's witness holds it to the tree's setting).
    /// </summary>
    public static AuditLog Open(string path, DigestAlgorithm? expected)
    {
        var connection = SecurityDatabase.Open(path, durable: false);
        try
        {
            var algorithm = RecordedAlgorithm(connection, path, expected ?? DigestAlgorithm.Sha256);
            if (expected is { } wanted && wanted != algorithm)
            {
                throw new StoreException(
                    $"{path}: its audit log is chained with {algorithm.Title()}, but Security:Crypto selects {wanted.Title()} " +
                    $"(Security:Crypto = {(wanted == DigestAlgorithm.Sm3 ? "national" : "standard")}). An audit log keeps the algorithm it was created with: " +
                    $"set Security:Crypto back to {(algorithm == DigestAlgorithm.Sm3 ? "national" : "standard")}, or, to switch, back this node's security database up and start it with a new one (docs/security.md, \"National cryptography\").");
            }
            return new AuditLog(connection, algorithm);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The recorded algorithm; recorded now as <paramref name="forNew"/> when the log has none yet (SHA-256 when it already holds entries).</summary>
    private static DigestAlgorithm RecordedAlgorithm(SqliteConnection connection, string path, DigestAlgorithm forNew)
    {
        using var transaction = connection.BeginTransaction();
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT value FROM meta WHERE key = 'audit_hash'";
        if (read.ExecuteScalar() is string recorded)
        {
            return DigestAlgorithms.Parse(recorded)
                ?? throw new StoreException($"{path}: its audit log names the hash algorithm '{recorded}', which this node does not know (sha256 or sm3).");
        }
        using var any = connection.CreateCommand();
        any.Transaction = transaction;
        any.CommandText = "SELECT EXISTS (SELECT 1 FROM audit)";
        var algorithm = Convert.ToInt64(any.ExecuteScalar(), CultureInfo.InvariantCulture) != 0 ? DigestAlgorithm.Sha256 : forNew;
        using var write = connection.CreateCommand();
        write.Transaction = transaction;
        // OR IGNORE: another connection may have recorded it meanwhile; what is recorded wins.
        write.CommandText = "INSERT OR IGNORE INTO meta (key, value) VALUES ('audit_hash', $value)";
        write.Parameters.AddWithValue("$value", algorithm.Name());
        write.ExecuteNonQuery();
        var stored = DigestAlgorithms.Parse(read.ExecuteScalar() as string) ?? algorithm;
        transaction.Commit();
        return stored;
    }

    /// <summary>Appends <paramref name="entries"/> in order, in one transaction; returns the new head.</summary>
    public AuditHead Append(IReadOnlyList<AuditEntry> entries)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var head = ReadHead(transaction);
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO audit (seq, at, principal, on_behalf_of, method, subject, subject_key, outcome, node, prev, hash) VALUES ($seq, $at, $principal, $obo, $method, $subject, $key, $outcome, $node, $prev, $hash)";
            var parameters = ParameterNames.Select(name => insert.Parameters.Add(name, SqliteType.Text)).ToArray();
            insert.Prepare();
            var seq = head.Seq;
            var prev = head.Hash;
            foreach (var entry in entries)
            {
                seq++;
                var hash = HashOf(seq, entry, prev, Algorithm);
                object[] values = [seq, SecurityDatabase.Iso(entry.At), entry.Principal, entry.OnBehalfOf, entry.Method, entry.Subject, entry.SubjectKey, entry.Outcome, entry.Node, prev, hash];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i];
                }
                insert.ExecuteNonQuery();
                prev = hash;
            }
            transaction.Commit();
            return new AuditHead(seq, prev);
        }
    }

    public AuditHead Head()
    {
        lock (_gate)
        {
            return SqliteErrors.Guard(_connection.DataSource, "reading the audit log's head", () => ReadHead(null));
        }
    }

    /// <summary>The hash of entry <paramref name="seq"/>, or null when there is no such entry.</summary>
    public string? HashAt(long seq)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT hash FROM audit WHERE seq = $seq";
            command.Parameters.AddWithValue("$seq", seq);
            return command.ExecuteScalar() as string;
        }
    }

    /// <summary>Entries after <paramref name="afterSeq"/>, oldest first; optionally only calls by or on behalf of one account, or about one subject.</summary>
    public IReadOnlyList<ChainedAuditEntry> Read(long afterSeq, int limit, string? account = null, string? subjectKey = null)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT seq, at, principal, on_behalf_of, method, subject, subject_key, outcome, node, prev, hash FROM audit
                WHERE seq > $after AND ($account IS NULL OR principal = 'account:' || $account OR substr(on_behalf_of, 1, length($account) + 1) = $account || '@')
                  AND ($key IS NULL OR subject_key = $key)
                ORDER BY seq LIMIT $limit
                """;
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$account", (object?)account ?? DBNull.Value);
            command.Parameters.AddWithValue("$key", (object?)subjectKey ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit);
            return [.. ReadAll(command)];
        }
    }

    /// <summary>
    /// Walks the whole chain and returns every break, in order: an entry whose content no longer
    /// matches its hash (edited), a gap in the numbering (deleted), a link to an entry that is
    /// not the one before it (reordered) or to no entry at all (inserted). An empty list means
    /// the chain is whole; whether entries were cut off its end is for the witness to say.
    /// </summary>
    public IReadOnlyList<AuditProblem> Verify()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, at, principal, on_behalf_of, method, subject, subject_key, outcome, node, prev, hash FROM audit ORDER BY seq";
            var entries = SqliteErrors.Guard(_connection.DataSource, "reading the audit log", () => ReadAll(command).ToList());
            var seqOfHash = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                seqOfHash.TryAdd(entry.Hash, entry.Seq);
            }
            var problems = new List<AuditProblem>();
            long expected = 1;
            var prev = Genesis;
            foreach (var entry in entries)
            {
                if (entry.Seq > expected)
                {
                    problems.Add(new AuditProblem(expected, "deleted", $"entries {expected}..{entry.Seq - 1} are missing"));
                }
                else if (entry.Prev != prev)
                {
                    problems.Add(!seqOfHash.TryGetValue(entry.Prev, out var linked)
                        ? new AuditProblem(entry.Seq, "inserted", $"entry {entry.Seq} links to no entry of the log: it was inserted, or the entry before it was replaced")
                        : linked < entry.Seq - 1
                            ? new AuditProblem(entry.Seq - 1, "inserted", $"entry {entry.Seq} was written after entry {linked}: what stands between them was inserted")
                            : new AuditProblem(entry.Seq, "reordered", $"entry {entry.Seq} was written after entry {linked}, not after entry {entry.Seq - 1}: entries were reordered"));
                }
                if (HashOf(entry.Seq, entry.Entry, entry.Prev, Algorithm) != entry.Hash)
                {
                    problems.Add(new AuditProblem(entry.Seq, "edited", $"entry {entry.Seq}'s content does not match its hash"));
                }
                expected = entry.Seq + 1;
                prev = entry.Hash;
            }
            return problems;
        }
    }

    /// <summary>
    /// SHA-256 (or SM3) over the previous hash, the entry's number and each field, each field prefixed
    /// with its length so that no two different entries serialise alike. An SM3 hash is written
    /// <c>sm3:</c> and its hex (<see cref="DigestAlgorithms"/>).
    /// </summary>
    public static string HashOf(long seq, AuditEntry entry, string prev, DigestAlgorithm algorithm = DigestAlgorithm.Sha256)
    {
        var text = new StringBuilder();
        foreach (var field in new[] { prev, seq.ToString(CultureInfo.InvariantCulture), SecurityDatabase.Iso(entry.At), entry.Principal, entry.OnBehalfOf,
                     entry.Method, entry.Subject, entry.SubjectKey, entry.Outcome, entry.Node })
        {
            text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
        }
        return algorithm.Digest(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private AuditHead ReadHead(SqliteTransaction? transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? new AuditHead(reader.GetInt64(0), reader.GetString(1)) : new AuditHead(0, Genesis);
    }

    private static IEnumerable<ChainedAuditEntry> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new ChainedAuditEntry(reader.GetInt64(0),
                new AuditEntry(SecurityDatabase.ParseTime(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8)),
                reader.GetString(9), reader.GetString(10));
        }
    }

    public void Dispose() => _connection.Dispose();
}
