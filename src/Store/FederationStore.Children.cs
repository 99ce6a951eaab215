using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Federation.Store;

// A parent's side of snapshot exchange: a transfer lands batch by batch in the c_ tables (each
// batch one transaction, so a crash loses at most the batch in flight and the cursor says where
// to go on). It is committed — its manifest row written, which makes its rows immutable — only
// when the counts and the digest recomputed from what arrived equal the child's manifest;
// otherwise its rows are deleted. Rows are written once: no copy at commit.
public sealed partial class FederationStore : IChildTransfers
{
    /// <summary>The transfer in progress from a child for a period, or null.</summary>
    public TransferState? GetTransfer(string childId, DateOnly period)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT digest, dataset, after_origin, after_key, records FROM transfers WHERE child_id = $child AND period = $period";
        command.Parameters.AddWithValue("$child", childId);
        command.Parameters.AddWithValue("$period", Iso(period));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new TransferState(childId, period, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)) : null;
    }

    /// <summary>
    /// Starts (or continues) a transfer of the child's snapshot with this digest. A transfer of
    /// the same period with another digest (the child's data is not what we were receiving) is
    /// discarded: resuming it would mix two snapshots.
    /// </summary>
    public TransferState BeginTransfer(string childId, DateOnly period, string digest, DateTimeOffset now)
    {
        var existing = GetTransfer(childId, period);
        if (existing is not null && existing.Digest == digest)
        {
            return existing;
        }
        WithWriteTransaction(transaction =>
        {
            DiscardTransfer(transaction, childId, period);
            Execute(transaction, "INSERT INTO transfers (child_id, period, digest, dataset, after_origin, after_key, records, updated_at) VALUES ($child, $period, $digest, '', '', '', 0, $now)",
                ("$child", childId), ("$period", Iso(period)), ("$digest", digest), ("$now", now.ToString("O", CultureInfo.InvariantCulture)));
        });
        return new TransferState(childId, period, digest, "", "", "", 0);
    }

    /// <summary>Stores one received batch of records and advances the cursor, in one transaction (see <see cref="AppendTransferPacked"/>).</summary>
    public void AppendTransfer(string childId, DateOnly period, Dataset dataset, IReadOnlyList<OriginRecord> records, DateTimeOffset now) =>
        AppendTransferPacked(childId, period, dataset, [PackedRecords.Pack(dataset, records, childId)], now);

    /// <summary>
    /// A digest primed with the rows of the transfer stored so far (in canonical order), to go on
    /// with the records still to come; for a new transfer, an empty one.
    /// </summary>
    public TransferDigest OpenTransferDigest(string childId, DateOnly period)
    {
        var digest = new TransferDigest();
        using var connection = OpenReader();
        DigestReceivedRows(connection, childId, Iso(period), digest);
        return digest;
    }

    // The stored rows of a transfer, in canonical order, into the digest (on the connection's
    // current transaction, if any).
    private static void DigestReceivedRows(SqliteConnection connection, string childId, string period, TransferDigest digest)
    {
        foreach (var dataset in Dataset.All)
        {
            foreach (var batch in ReadPacked(connection,
                $"SELECT origin, {string.Join(", ", dataset.Columns)} FROM c_{dataset.Name} WHERE child_id = ?1 AND period = ?2 ORDER BY origin, {dataset.KeyColumn}",
                dataset, [childId, period], DigestBatchRecords, DigestBatchBytes))
            {
                digest.AppendPacked(dataset, batch.Bytes.Span);
            }
        }
    }

    private const int DigestBatchRecords = 100_000;
    private const int DigestBatchBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Verifies the received snapshot against the child's manifest — counts per dataset and the
    /// digest, either computed as the records arrived (<paramref name="received"/>) or recomputed
    /// here from the stored rows — and commits it, atomically. On a mismatch the received rows are
    /// discarded (a retry starts over) and nothing is committed.
    /// </summary>
    public Manifest CommitTransfer(string childId, Manifest expected, DateTimeOffset now, TransferDigest? received = null)
    {
        var period = Iso(expected.AsOf);
        Manifest? committed = null;
        string? mismatch = null;
        WithWriteTransaction(transaction =>
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            // The caller owns a digest it passes in; one made here is disposed here.
            using var owned = received is null ? new TransferDigest() : null;
            var digest = received ?? owned!;
            {
                if (received is null)
                {
                    DigestReceivedRows(_connection, childId, period, digest);
                }
                var actual = digest.Finish();
                foreach (var (name, count) in digest.Counts)
                {
                    counts[name] = count;
                }
                foreach (var dataset in Dataset.All)
                {
                    var want = expected.Counts.GetValueOrDefault(dataset.Name);
                    if (counts[dataset.Name] != want)
                    {
                        mismatch = $"{dataset.Name}: received {counts[dataset.Name]} records, the manifest says {want}";
                        break;
                    }
                }
                if (mismatch is null && actual != expected.Digest)
                {
                    mismatch = $"the received data's digest is {actual}, the manifest says {expected.Digest}";
                }
            }
            if (mismatch is not null)
            {
                DiscardTransfer(transaction, childId, expected.AsOf);
                return;
            }
            Execute(transaction, "INSERT INTO child_manifests (child_id, period, counts, digest, sealed_at, received_at, origins) VALUES ($child, $period, $counts, $digest, $sealed, $now, $origins)",
                ("$child", childId), ("$period", period), ("$counts", JsonSerializer.Serialize(counts)), ("$digest", expected.Digest), ("$origins", JsonSerializer.Serialize(digest.Origins)),
                ("$sealed", expected.SealedAt.ToString("O", CultureInfo.InvariantCulture)), ("$now", now.ToString("O", CultureInfo.InvariantCulture)));
            Execute(transaction, "DELETE FROM transfers WHERE child_id = $child AND period = $period", ("$child", childId), ("$period", period));
            committed = expected with { Counts = counts };
        });
        return committed ?? throw new StoreException($"The snapshot of {childId} for {period} does not match its manifest ({mismatch}); it was discarded, not committed.");
    }

    /// <summary>The committed snapshot manifests received from a child, oldest first.</summary>
    public IReadOnlyList<Manifest> ListChildManifests(string childId)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT period, counts, digest, sealed_at FROM child_manifests WHERE child_id = $child ORDER BY period";
        command.Parameters.AddWithValue("$child", childId);
        using var reader = command.ExecuteReader();
        var manifests = new List<Manifest>();
        while (reader.Read())
        {
            manifests.Add(new Manifest(DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(1))!, reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture)));
        }
        return manifests;
    }

    /// <summary>
    /// Streams a sealed period's records of one dataset after the position (<paramref name="afterOrigin"/>,
    /// <paramref name="afterKey"/>) in canonical order (keyset paging: the resume cursor; both empty = from the start).
    /// </summary>
    public IEnumerable<OriginRecord> ReadSealedAfter(DateOnly asOf, Dataset dataset, string afterOrigin, string afterKey)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT origin, {string.Join(", ", dataset.Columns)} FROM p_{dataset.Name} WHERE period = $period AND (origin, {dataset.KeyColumn}) > ($origin, $after) ORDER BY origin, {dataset.KeyColumn}";
        command.Parameters.AddWithValue("$period", Iso(asOf));
        command.Parameters.AddWithValue("$origin", afterOrigin);
        command.Parameters.AddWithValue("$after", afterKey);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new OriginRecord(reader.GetString(0), ReadRow(reader, dataset, 1));
        }
    }

    /// <summary>
    /// Streams a sealed period's records of one dataset after a position, like
    /// <see cref="ReadSealedAfter"/>, as packed batches of at most <paramref name="maxRecords"/>
    /// records and about <paramref name="maxBytes"/> bytes: no object per record.
    /// </summary>
    public IEnumerable<PackedBatch> ReadSealedPacked(DateOnly asOf, Dataset dataset, string afterOrigin, string afterKey, int maxRecords, int maxBytes)
    {
        using var connection = OpenReader();
        foreach (var batch in ReadPacked(connection,
            $"SELECT origin, {string.Join(", ", dataset.Columns)} FROM p_{dataset.Name} WHERE period = ?1 AND (origin, {dataset.KeyColumn}) > (?2, ?3) ORDER BY origin, {dataset.KeyColumn}",
            dataset, [Iso(asOf), afterOrigin, afterKey], maxRecords, maxBytes))
        {
            yield return batch;
        }
    }

    /// <summary>
    /// Runs a query whose columns are the origin then the dataset's columns, on the connection's
    /// current transaction, and returns its rows as packed batches (native statement, no per-row objects).
    /// </summary>
    internal static IEnumerable<PackedBatch> ReadPacked(SqliteConnection connection, string sql, Dataset dataset, string[] parameters, int maxRecords, int maxBytes)
    {
        using var statement = new RawStatement(connection, sql);
        for (var i = 0; i < parameters.Length; i++)
        {
            statement.Bind(i + 1, parameters[i]);
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(maxBytes + 64 * 1024);
        var records = 0;
        while (statement.Step())
        {
            PackedRecords.AppendRow(buffer, statement, dataset);
            if (++records >= maxRecords || buffer.WrittenCount >= maxBytes)
            {
                yield return Batch(buffer, records);
                buffer = new System.Buffers.ArrayBufferWriter<byte>(maxBytes + 64 * 1024);
                records = 0;
            }
        }
        if (records > 0)
        {
            yield return Batch(buffer, records);
        }

        static PackedBatch Batch(System.Buffers.ArrayBufferWriter<byte> buffer, int records)
        {
            var (origin, key) = PackedRecords.LastPosition(buffer.WrittenSpan);
            return new PackedBatch(buffer.WrittenMemory, records, origin, key);
        }
    }

    /// <summary>
    /// Stores received packed batches of one dataset and advances the cursor to the last record,
    /// in one transaction; the values are bound as the UTF-8 they arrived in. OR REPLACE: a batch
    /// received again after a crash between its commit and the next cursor read lands on the same
    /// keys and changes nothing.
    /// </summary>
    public void AppendTransferPacked(string childId, DateOnly period, Dataset dataset, IReadOnlyList<ReadOnlyMemory<byte>> batches, DateTimeOffset now)
    {
        WithWriteTransaction(transaction =>
        {
            var columns = dataset.Columns;
            using var insert = new RawStatement(_connection,
                $"INSERT OR REPLACE INTO c_{dataset.Name} (child_id, period, origin, {string.Join(", ", columns)}) VALUES (?1, ?2, ?3, {string.Join(", ", columns.Select((_, i) => "?" + (i + 4)))})");
            var child = Encoding.UTF8.GetBytes(childId);
            var periodBytes = Encoding.UTF8.GetBytes(Iso(period));
            long count = 0;
            foreach (var batch in batches)
            {
                count += PackedRecords.ForEachRecord(batch.Span, dataset, childId, (line, fields) =>
                {
                    insert.Bind(1, child);
                    insert.Bind(2, periodBytes);
                    insert.Bind(3, line[fields[0]]);
                    for (var i = 0; i < columns.Count; i++)
                    {
                        var value = line[fields[i + 1]];
                        if (i == dataset.ValidColumn)
                        {
                            insert.Bind(i + 4, value.SequenceEqual("1"u8) ? 1L : 0L);
                        }
                        else
                        {
                            insert.Bind(i + 4, value);
                        }
                    }
                    insert.Execute();
                });
            }
            if (count == 0)
            {
                return;
            }
            var (origin, key) = PackedRecords.LastPosition(batches[^1].Span);
            Execute(transaction, "UPDATE transfers SET dataset = $dataset, after_origin = $origin, after_key = $key, records = records + $count, updated_at = $now WHERE child_id = $child AND period = $period",
                ("$dataset", dataset.Name), ("$origin", origin), ("$key", key), ("$count", count.ToString(CultureInfo.InvariantCulture)),
                ("$now", now.ToString("O", CultureInfo.InvariantCulture)), ("$child", childId), ("$period", Iso(period)));
        });
    }

    private void DiscardTransfer(SqliteTransaction transaction, string childId, DateOnly period)
    {
        foreach (var dataset in Dataset.All)
        {
            // Refused by the store for a committed snapshot; the callers only discard uncommitted ones.
            Execute(transaction, $"DELETE FROM c_{dataset.Name} WHERE child_id = $child AND period = $period", ("$child", childId), ("$period", Iso(period)));
        }
        Execute(transaction, "DELETE FROM transfers WHERE child_id = $child AND period = $period", ("$child", childId), ("$period", Iso(period)));
    }

    private void WithWriteTransaction(Action<SqliteTransaction> action)
    {
        _writeGate.Wait();
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            action(transaction);
            transaction.Commit();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private int Execute(SqliteTransaction transaction, string sql, params (string Name, string Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command.ExecuteNonQuery();
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
