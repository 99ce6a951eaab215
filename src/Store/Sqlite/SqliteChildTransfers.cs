using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

// A parent's side of snapshot exchange: a transfer lands batch by batch in the c_ tables (each
// batch one transaction, so a crash loses at most the batch in flight and the cursor says where
// to go on). It is committed — its manifest row written, which makes its rows immutable — only
// when the counts and the digest recomputed from what arrived equal the child's manifest;
// otherwise its rows are deleted. Rows are written once: no copy at commit.
public sealed class SqliteChildTransfers : IChildTransfers
{
    private readonly SqliteStore _db;

    internal SqliteChildTransfers(SqliteStore db) => _db = db;

    /// <inheritdoc />
    public DigestAlgorithm DigestAlgorithm => _db.DigestAlgorithm;

    /// <summary>The transfer in progress from a child for a period, or null.</summary>
    private TransferState? GetTransfer(string childId, Period period)
    {
        using var connection = _db.OpenReader();
        return TransfersSql.Find(connection, childId, period);
    }

    /// <summary>
    /// Starts (or continues) a transfer of the child's snapshot with this digest. A transfer of
    /// the same period with another digest (the child's data is not what we were receiving) is
    /// discarded: resuming it would mix two snapshots.
    /// </summary>
    public TransferState BeginTransfer(string childId, Period period, string digest, DateTimeOffset now)
    {
        var existing = GetTransfer(childId, period);
        if (existing is not null && existing.Digest == digest)
        {
            return existing;
        }
        _db.WithWriteTransaction(transaction =>
        {
            DiscardTransfer(transaction, childId, period);
            _db.Execute(transaction, "INSERT INTO transfers (child_id, period, digest, dataset, after_origin, after_key, records, updated_at) VALUES ($child, $period, $digest, '', '', '', 0, $now)",
                ("$child", childId), ("$period", period.ToString()), ("$digest", digest), ("$now", now.ToString("O", CultureInfo.InvariantCulture)));
        });
        return new TransferState(childId, period, digest, "", "", "", 0);
    }

    /// <summary>
    /// A digest primed with the rows of the transfer stored so far (in canonical order), to go on
    /// with the records still to come; for a new transfer, an empty one.
    /// </summary>
    public TransferDigest OpenTransferDigest(string childId, Period period)
    {
        var digest = new TransferDigest(_db.DigestAlgorithm);
        using var connection = _db.OpenReader();
        SqliteStore.DigestReceivedRows(connection, childId, period.ToString(), digest);
        return digest;
    }

    /// <summary>
    /// Verifies the received snapshot against the child's manifest — counts per dataset and the
    /// digest, either computed as the records arrived (<paramref name="received"/>) or recomputed
    /// here from the stored rows — and commits it, atomically. On a mismatch the received rows are
    /// discarded (a retry starts over) and nothing is committed.
    /// </summary>
    public Manifest CommitTransfer(string childId, Manifest expected, DateTimeOffset now, TransferDigest? received = null)
    {
        var period = expected.Period.ToString();
        Manifest? committed = null;
        string? mismatch = null;
        _db.WithWriteTransaction(transaction =>
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            // The caller owns a digest it passes in; one made here is disposed here.
            using var owned = received is null ? new TransferDigest(_db.DigestAlgorithm) : null;
            var digest = received ?? owned!;
            {
                if (received is null)
                {
                    SqliteStore.DigestReceivedRows(_db.Writer, childId, period, digest);
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
                DiscardTransfer(transaction, childId, expected.Period);
                return;
            }
            _db.Execute(transaction, "INSERT INTO child_manifests (child_id, period, counts, digest, sealed_at, received_at, origins) VALUES ($child, $period, $counts, $digest, $sealed, $now, $origins)",
                ("$child", childId), ("$period", period), ("$counts", JsonSerializer.Serialize(counts)), ("$digest", expected.Digest), ("$origins", JsonSerializer.Serialize(digest.Origins)),
                ("$sealed", expected.SealedAt.ToString("O", CultureInfo.InvariantCulture)), ("$now", now.ToString("O", CultureInfo.InvariantCulture)));
            _db.Execute(transaction, "DELETE FROM transfers WHERE child_id = $child AND period = $period", ("$child", childId), ("$period", period));
            committed = expected with { Counts = counts };
        });
        return committed ?? throw new StoreException($"The snapshot of {childId} for {period} does not match its manifest ({mismatch}); it was discarded, not committed.");
    }

    public string? LatestSurveyMonth(string childId)
    {
        using var connection = _db.OpenReader();
        return TransfersSql.LatestSurveyMonth(connection, childId);
    }

    /// <summary>The committed snapshot manifests received from a child, oldest first.</summary>
    public IReadOnlyList<Manifest> ListChildManifests(string childId)
    {
        using var connection = _db.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT period, counts, digest, sealed_at FROM child_manifests WHERE child_id = $child ORDER BY period";
        command.Parameters.AddWithValue("$child", childId);
        using var reader = command.ExecuteReader();
        var manifests = new List<Manifest>();
        while (reader.Read())
        {
            manifests.Add(new Manifest(Period.Parse(reader.GetString(0)),
                JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(1))!, reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture)));
        }
        return manifests;
    }

    /// <summary>
    /// Stores received packed batches of one dataset and advances the cursor to the last record,
    /// in one transaction; the values are bound as the UTF-8 they arrived in. OR REPLACE: a batch
    /// received again after a crash between its commit and the next cursor read lands on the same
    /// keys and changes nothing.
    /// </summary>
    public void AppendTransferPacked(string childId, Period period, Dataset dataset, IReadOnlyList<ReadOnlyMemory<byte>> batches, DateTimeOffset now)
    {
        _db.WithWriteTransaction(transaction =>
        {
            var columns = dataset.Columns;
            using var insert = new RawStatement(_db.Writer,
                $"INSERT OR REPLACE INTO c_{dataset.Name} (child_id, period, origin, {string.Join(", ", columns)}) VALUES (?1, ?2, ?3, {string.Join(", ", columns.Select((_, i) => "?" + (i + 4)))})");
            var child = Encoding.UTF8.GetBytes(childId);
            var periodBytes = Encoding.UTF8.GetBytes(period.ToString());
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
            _db.Execute(transaction, "UPDATE transfers SET dataset = $dataset, after_origin = $origin, after_key = $key, records = records + $count, updated_at = $now WHERE child_id = $child AND period = $period",
                ("$dataset", dataset.Name), ("$origin", origin), ("$key", key), ("$count", count.ToString(CultureInfo.InvariantCulture)),
                ("$now", now.ToString("O", CultureInfo.InvariantCulture)), ("$child", childId), ("$period", period.ToString()));
        });
    }

    /// <inheritdoc />
    public void AbandonTransfer(string childId, Period period) =>
        _db.WithWriteTransaction(transaction => DiscardTransfer(transaction, childId, period));

    private void DiscardTransfer(SqliteTransaction transaction, string childId, Period period)
    {
        foreach (var dataset in Dataset.All)
        {
            // Refused by the store for a committed snapshot; the callers only discard uncommitted ones.
            _db.Execute(transaction, $"DELETE FROM c_{dataset.Name} WHERE child_id = $child AND period = $period", ("$child", childId), ("$period", period.ToString()));
        }
        _db.Execute(transaction, "DELETE FROM transfers WHERE child_id = $child AND period = $period", ("$child", childId), ("$period", period.ToString()));
    }
}
