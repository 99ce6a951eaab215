using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Federation.Store.Postgres;

// A parent's side of exchange on PostgreSQL, with SQLite's semantics (Sqlite/SqliteChildTransfers):
// a transfer lands batch by batch in c_ (one transaction per batch, the cursor advanced with it),
// and is committed — its manifest written, its rows immutable from then on — only when the counts
// and the digest of what arrived equal the child's manifest; otherwise its rows are deleted.
// Received rows are bulk-loaded with binary COPY into a temporary table, then moved into the
// child's partition; a batch received again lands on the same keys and changes nothing.
public sealed class PostgresChildTransfers : IChildTransfers
{
    private readonly PostgresStore _db;

    internal PostgresChildTransfers(PostgresStore db) => _db = db;

    /// <inheritdoc />
    public DigestAlgorithm DigestAlgorithm => _db.DigestAlgorithm;

    // The transfer in progress from a child for a period, or null.
    private TransferState? GetTransfer(string childId, Period period)
    {
        using var connection = _db.OpenConnection();
        return TransfersSql.Find(connection, childId, period);
    }

    public TransferState BeginTransfer(string childId, Period period, string digest, DateTimeOffset now)
    {
        var existing = GetTransfer(childId, period);
        if (existing is not null && existing.Digest == digest)
        {
            return existing;
        }
        _db.WithWriteTransaction((connection, transaction) =>
        {
            foreach (var dataset in Dataset.All)
            {
                PostgresStore.Execute(connection, transaction, $"CREATE TABLE IF NOT EXISTS {ChildPartition(dataset, childId)} PARTITION OF c_{dataset.Name} FOR VALUES IN ({Literal(childId)})");
            }
            DiscardTransfer(connection, transaction, childId, period);
            PostgresStore.Execute(connection, transaction, "INSERT INTO transfers (child_id, period, digest, dataset, after_origin, after_key, records, updated_at) VALUES (@child, @period, @digest, '', '', '', 0, @now)",
                ("child", childId), ("period", period.ToString()), ("digest", digest), ("now", PostgresStore.Stamp(now)));
        });
        return new TransferState(childId, period, digest, "", "", "", 0);
    }

    public void AppendTransferPacked(string childId, Period period, Dataset dataset, IReadOnlyList<ReadOnlyMemory<byte>> batches, DateTimeOffset now)
    {
        _db.WithWriteTransaction((connection, transaction) =>
        {
            var columns = PostgresStore.Columns(dataset);
            PostgresStore.Execute(connection, transaction, $"CREATE TEMP TABLE IF NOT EXISTS incoming_{dataset.Name} (LIKE c_{dataset.Name}) ON COMMIT DELETE ROWS");
            long count = 0;
            using (var copy = connection.BeginBinaryImport($"COPY incoming_{dataset.Name} (child_id, period, origin, {columns}) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var batch in batches)
                {
                    count += PackedRecords.ForEachRecord(batch.Span, dataset, childId, (line, fields) =>
                    {
                        copy.StartRow();
                        copy.Write(childId, NpgsqlDbType.Text);
                        copy.Write(period.ToString(), NpgsqlDbType.Text);
                        copy.Write(Encoding.UTF8.GetString(line[fields[0]]), NpgsqlDbType.Text);
                        for (var i = 0; i < dataset.Columns.Count; i++)
                        {
                            var value = line[fields[i + 1]];
                            if (i == dataset.ValidColumn)
                            {
                                copy.Write(value.SequenceEqual("1"u8) ? (short)1 : (short)0, NpgsqlDbType.Smallint);
                            }
                            else
                            {
                                copy.Write(Encoding.UTF8.GetString(value), NpgsqlDbType.Text);
                            }
                        }
                    });
                }
                copy.Complete();
            }
            if (count == 0)
            {
                return;
            }
            PostgresStore.Execute(connection, transaction, $"INSERT INTO c_{dataset.Name} SELECT * FROM incoming_{dataset.Name} ON CONFLICT DO NOTHING");
            var (origin, key) = PackedRecords.LastPosition(batches[^1].Span);
            using var cursor = new NpgsqlCommand("UPDATE transfers SET dataset = @dataset, after_origin = @origin, after_key = @key, records = records + @count, updated_at = @now WHERE child_id = @child AND period = @period",
                connection, transaction);
            cursor.Parameters.AddWithValue("dataset", dataset.Name);
            cursor.Parameters.AddWithValue("origin", origin);
            cursor.Parameters.AddWithValue("key", key);
            cursor.Parameters.AddWithValue("count", count);
            cursor.Parameters.AddWithValue("now", PostgresStore.Stamp(now));
            cursor.Parameters.AddWithValue("child", childId);
            cursor.Parameters.AddWithValue("period", period.ToString());
            cursor.ExecuteNonQuery();
        });
    }

    public TransferDigest OpenTransferDigest(string childId, Period period)
    {
        var digest = new TransferDigest(_db.DigestAlgorithm);
        using var connection = _db.OpenConnection();
        DigestReceivedRows(connection, null, childId, period.ToString(), digest);
        return digest;
    }

    public Manifest CommitTransfer(string childId, Manifest expected, DateTimeOffset now, TransferDigest? received = null)
    {
        var period = expected.Period.ToString();
        Manifest? committed = null;
        string? mismatch = null;
        _db.WithWriteTransaction((connection, transaction) =>
        {
            using var owned = received is null ? new TransferDigest(_db.DigestAlgorithm) : null;
            var digest = received ?? owned!;
            if (received is null)
            {
                DigestReceivedRows(connection, transaction, childId, period, digest);
            }
            var actual = digest.Finish();
            var counts = digest.Counts.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
            mismatch = Dataset.All.Where(d => counts[d.Name] != expected.Counts.GetValueOrDefault(d.Name))
                .Select(d => $"{d.Name}: received {counts[d.Name]} records, the manifest says {expected.Counts.GetValueOrDefault(d.Name)}").FirstOrDefault()
                ?? (actual != expected.Digest ? $"the received data's digest is {actual}, the manifest says {expected.Digest}" : null);
            if (mismatch is not null)
            {
                DiscardTransfer(connection, transaction, childId, expected.Period);
                return;
            }
            PostgresStore.Execute(connection, transaction, "INSERT INTO child_manifests (child_id, period, counts, digest, sealed_at, received_at, origins) VALUES (@child, @period, @counts, @digest, @sealed, @now, @origins)",
                ("child", childId), ("period", period), ("counts", JsonSerializer.Serialize(counts)), ("digest", expected.Digest),
                ("sealed", PostgresStore.Stamp(expected.SealedAt)), ("now", PostgresStore.Stamp(now)), ("origins", JsonSerializer.Serialize(digest.Origins)));
            PostgresStore.Execute(connection, transaction, "DELETE FROM transfers WHERE child_id = @child AND period = @period", ("child", childId), ("period", period));
            committed = expected with { Counts = counts };
        });
        return committed ?? throw new StoreException($"The snapshot of {childId} for {period} does not match its manifest ({mismatch}); it was discarded, not committed.");
    }

    public string? LatestSurveyMonth(string childId)
    {
        using var connection = _db.OpenConnection();
        return TransfersSql.LatestSurveyMonth(connection, childId);
    }

    public IReadOnlyList<Manifest> ListChildManifests(string childId)
    {
        using var connection = _db.OpenConnection();
        using var command = new NpgsqlCommand("SELECT period, counts, digest, sealed_at, '[]' FROM child_manifests WHERE child_id = @child ORDER BY period", connection);
        command.Parameters.AddWithValue("child", childId);
        using var reader = command.ExecuteReader();
        return Manifest.ReadAll(reader);
    }

    private static void DigestReceivedRows(NpgsqlConnection connection, NpgsqlTransaction? transaction, string childId, string period, TransferDigest digest)
    {
        foreach (var dataset in Dataset.All)
        {
            using var command = new NpgsqlCommand($"SELECT origin, {PostgresStore.Columns(dataset)} FROM c_{dataset.Name} WHERE child_id = @child AND period = @period ORDER BY origin, {dataset.KeyColumn}",
                connection, transaction);
            command.Parameters.AddWithValue("child", childId);
            command.Parameters.AddWithValue("period", period);
            using var reader = command.ExecuteReader();
            var batch = new List<OriginRecord>(4096);
            void Flush()
            {
                if (batch.Count > 0)
                {
                    digest.AppendPacked(dataset, PackedRecords.Pack(dataset, batch, childId).Span);
                    batch.Clear();
                }
            }
            while (reader.Read())
            {
                batch.Add(new OriginRecord(reader.GetString(0), PostgresStore.ReadRow(reader, dataset, 1)));
                if (batch.Count == 4096)
                {
                    Flush();
                }
            }
            Flush();
        }
    }

    /// <inheritdoc />
    public void AbandonTransfer(string childId, Period period) =>
        _db.WithWriteTransaction((connection, transaction) => DiscardTransfer(connection, transaction, childId, period));

    private static void DiscardTransfer(NpgsqlConnection connection, NpgsqlTransaction transaction, string childId, Period period)
    {
        foreach (var dataset in Dataset.All)
        {
            PostgresStore.Execute(connection, transaction, $"DELETE FROM c_{dataset.Name} WHERE child_id = @child AND period = @period", ("child", childId), ("period", period.ToString()));
        }
        PostgresStore.Execute(connection, transaction, "DELETE FROM transfers WHERE child_id = @child AND period = @period", ("child", childId), ("period", period.ToString()));
    }

    // c_persons_city_440100_1a2b3c: readable, and unique (node ids may differ only in '-' vs '_').
    private static string ChildPartition(Dataset dataset, string childId) =>
        $"c_{dataset.Name}_{new string([.. childId.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')])}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(childId)))[..6]}";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

}
