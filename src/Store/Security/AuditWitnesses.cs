using Microsoft.Data.Sqlite;

namespace Federation.Store.Security;

/// <summary>
/// A parent's record of its children's audit chains, in its security database: per child the
/// last head witnessed good, and the breaks. A break is sticky: while one is open the witnessed head
/// does not move (<see cref="Advance"/> refuses), so the parent keeps comparing against the last
/// good head, and a second finding adds nothing; only <see cref="Acknowledge"/> by an auditor, with a
/// reason, closes it, and then the child's next head is taken as the new baseline. Durable
/// (synchronous=FULL): a break found must survive a power cut.
/// </summary>
public sealed class AuditWitnesses : IDisposable
{
    private const string BreakColumns = "id, child_id, detected_at, kind, seq, problem, witnessed_seq, witnessed_hash, child_seq, child_hash, acknowledged_at, acknowledged_by, reason";

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private AuditWitnesses(SqliteConnection connection) => _connection = connection;

    public static AuditWitnesses Open(string path) => new(SecurityDatabase.Open(path, durable: true));

    /// <summary>The last head witnessed good for <paramref name="childId"/>; null before the first, and after an acknowledged break until the next.</summary>
    public WitnessedHead? Witnessed(string childId)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, hash, witnessed_at FROM audit_witness_head WHERE child_id = $child";
            command.Parameters.AddWithValue("$child", childId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? new WitnessedHead(childId, reader.GetInt64(0), reader.GetString(1), SecurityDatabase.ParseTime(reader.GetString(2))) : null;
        }
    }

    /// <summary>
    /// Records <paramref name="head"/> as witnessed good: the first baseline, or a head proven to extend
    /// the one before (<see cref="AuditChainProof"/>). Refused while a break is open.
    /// </summary>
    public void Advance(string childId, AuditHead head, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            if (ReadOpenBreak(childId, transaction) is { } open)
            {
                throw new StoreException($"{childId}'s audit witness has an open break (found {SecurityDatabase.Iso(open.DetectedAt)}); it moves on only once an auditor acknowledges it");
            }
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO audit_witness_head (child_id, seq, hash, witnessed_at) VALUES ($child, $seq, $hash, $at)
                ON CONFLICT (child_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, witnessed_at = excluded.witnessed_at
                """;
            command.Parameters.AddWithValue("$child", childId);
            command.Parameters.AddWithValue("$seq", head.Seq);
            command.Parameters.AddWithValue("$hash", head.Hash);
            command.Parameters.AddWithValue("$at", SecurityDatabase.Iso(now));
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>
    /// Records a break found against <paramref name="witnessed"/>; when one is open already, that one
    /// stays as it is and is returned (<c>New</c> false): the first finding is the one to explain.
    /// </summary>
    public (WitnessBreak Break, bool New) RecordBreak(string childId, AuditProblem problem, AuditHead witnessed, AuditHead childHead, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            if (ReadOpenBreak(childId, transaction) is { } open)
            {
                return (open, false);
            }
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO audit_witness_break (child_id, detected_at, kind, seq, problem, witnessed_seq, witnessed_hash, child_seq, child_hash)
                VALUES ($child, $at, $kind, $seq, $problem, $wseq, $whash, $cseq, $chash) RETURNING {BreakColumns}
                """;
            command.Parameters.AddWithValue("$child", childId);
            command.Parameters.AddWithValue("$at", SecurityDatabase.Iso(now));
            command.Parameters.AddWithValue("$kind", problem.Kind);
            command.Parameters.AddWithValue("$seq", problem.Seq);
            command.Parameters.AddWithValue("$problem", problem.Detail);
            command.Parameters.AddWithValue("$wseq", witnessed.Seq);
            command.Parameters.AddWithValue("$whash", witnessed.Hash);
            command.Parameters.AddWithValue("$cseq", childHead.Seq);
            command.Parameters.AddWithValue("$chash", childHead.Hash);
            var recorded = ReadBreaks(command).Single();
            transaction.Commit();
            return (recorded, true);
        }
    }

    /// <summary>The open break of <paramref name="childId"/>, or null.</summary>
    public WitnessBreak? OpenBreak(string childId)
    {
        lock (_gate)
        {
            return ReadOpenBreak(childId, null);
        }
    }

    /// <summary>Every break of <paramref name="childId"/>, newest first, acknowledged or not.</summary>
    public IReadOnlyList<WitnessBreak> Breaks(string childId)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {BreakColumns} FROM audit_witness_break WHERE child_id = $child ORDER BY id DESC";
            command.Parameters.AddWithValue("$child", childId);
            return [.. ReadBreaks(command)];
        }
    }

    /// <summary>
    /// Closes <paramref name="childId"/>'s open break, noting who and why, and forgets the witnessed
    /// head: the child's head at the next connection becomes the baseline.
    /// </summary>
    /// <exception cref="StoreException">There is no open break.</exception>
    public WitnessBreak Acknowledge(string childId, string by, string reason, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var open = ReadOpenBreak(childId, transaction)
                ?? throw new StoreException($"{childId}'s audit witness has no open break to acknowledge");
            using var update = _connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = $"UPDATE audit_witness_break SET acknowledged_at = $at, acknowledged_by = $by, reason = $reason WHERE id = $id RETURNING {BreakColumns}";
            update.Parameters.AddWithValue("$at", SecurityDatabase.Iso(now));
            update.Parameters.AddWithValue("$by", by);
            update.Parameters.AddWithValue("$reason", reason);
            update.Parameters.AddWithValue("$id", open.Id);
            var acknowledged = ReadBreaks(update).Single();
            using var forget = _connection.CreateCommand();
            forget.Transaction = transaction;
            forget.CommandText = "DELETE FROM audit_witness_head WHERE child_id = $child";
            forget.Parameters.AddWithValue("$child", childId);
            forget.ExecuteNonQuery();
            transaction.Commit();
            return acknowledged;
        }
    }

    private WitnessBreak? ReadOpenBreak(string childId, SqliteTransaction? transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {BreakColumns} FROM audit_witness_break WHERE child_id = $child AND acknowledged_at IS NULL";
        command.Parameters.AddWithValue("$child", childId);
        return ReadBreaks(command).SingleOrDefault();
    }

    private static List<WitnessBreak> ReadBreaks(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var breaks = new List<WitnessBreak>();
        while (reader.Read())
        {
            breaks.Add(new WitnessBreak(reader.GetInt64(0), reader.GetString(1), SecurityDatabase.ParseTime(reader.GetString(2)), reader.GetString(3), reader.GetInt64(4),
                reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetInt64(8), reader.GetString(9),
                reader.IsDBNull(10) ? null : SecurityDatabase.ParseTime(reader.GetString(10)), reader.GetString(11), reader.GetString(12)));
        }
        return breaks;
    }

    public void Dispose() => _connection.Dispose();
}
