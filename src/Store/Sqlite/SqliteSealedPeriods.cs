using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>
/// This node's sealed periods on SQLite: sealing (a city's staged data, or a parent's merge with
/// its children's committed snapshots and the findings), manifests, and reading periods back.
/// </summary>
public sealed class SqliteSealedPeriods : ISealedPeriods
{
    private readonly SqliteStore _db;

    internal SqliteSealedPeriods(SqliteStore db) => _db = db;

    /// <summary>
    /// Seals the staged data as the period snapshot as of <paramref name="period"/>: copies every
    /// dataset, counts it, digests it and writes the manifest, in one transaction. Periods are
    /// sealed in order; a sealed period can never be changed.
    /// </summary>
    public Manifest Seal(Period period, DateTimeOffset now) => Seal(period, now, [], null);

    /// <summary>
    /// Seals a parent's period as of <paramref name="period"/>: its own staged data (origin: this
    /// node) merged with the given committed child snapshots (their rows keep their origins),
    /// with the cross-child findings (比对), counts, digest and a manifest naming the sources —
    /// in one transaction. Periods are sealed in order; a sealed period can never be changed.
    /// </summary>
    public Manifest Seal(Period period, DateTimeOffset now, IReadOnlyList<MergedSource> children, ICityPopulations? populations = null, IPeriodSigner? signer = null)
    {
        if (SealRules.FutureProblem(period, now) is { } future)
        {
            throw new StoreException(future);
        }
        var name = period.ToString();
        Manifest? manifest = null;
        try
        {
            SealInTransaction();
        }
        catch (Exception ex) when (ex is not StoreException && StoreIntegrity.IsDiskFull(ex))
        {
            throw new StoreException(StoreIntegrity.SealDiskFull(_db.Path, period, ex), ex, StoreFailure.DiskFull);
        }
        return manifest!;

        void SealInTransaction() => _db.WithWriteTransaction(transaction =>
        {
            var latest = LatestPeriod(transaction);
            if (SealRules.OrderProblem(name, latest) is { } order)
            {
                throw new StoreException(order);
            }
            foreach (var source in children)
            {
                CheckCommitted(transaction, source);
            }
            if (DatedAfterProblem(transaction, name) is { } dated)
            {
                throw new StoreException(dated);
            }
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var dataset in Dataset.All)
            {
                var columns = string.Join(", ", dataset.Columns);
                long count = _db.Execute(transaction, $"INSERT INTO p_{dataset.Name} (period, origin, {columns}) SELECT $period, $owner, {columns} FROM s_{dataset.Name}",
                    ("$period", name), ("$owner", _db.OwnerId));
                foreach (var source in children)
                {
                    try
                    {
                        count += _db.Execute(transaction,
                            $"INSERT INTO p_{dataset.Name} (period, origin, {columns}) SELECT $period, origin, {columns} FROM c_{dataset.Name} WHERE child_id = $child AND period = $childPeriod",
                            ("$period", name), ("$child", source.ChildId), ("$childPeriod", source.Period.ToString()));
                    }
                    catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
                    {
                        throw new StoreException($"{source.ChildId}'s snapshot of {source.Period} holds {dataset.Name} records of an origin that another source of period {period} also holds; node ids must be unique in the tree (check-tree).", ex);
                    }
                }
                counts[dataset.Name] = count;
            }
            if (children.Count > 0)
            {
                SqliteFindings.Write(_db.Writer, transaction, name, populations);
            }
            var digest = SqliteStore.ComputeDigest(_db.Writer, _db.DigestAlgorithm, name);
            _db.Execute(transaction, "INSERT INTO manifests (period, counts, digest, sealed_at, sources) VALUES ($period, $counts, $digest, $sealedAt, $sources)",
                ("$period", name), ("$counts", JsonSerializer.Serialize(counts)), ("$digest", digest), ("$sealedAt", SqliteStore.Stamp(now)),
                ("$sources", JsonSerializer.Serialize(children)));
            manifest = new Manifest(period, counts, digest, now) { Sources = children };
            if (signer is not null)
            {
                var previous = latest is null ? null : ReadManifest(transaction, latest);
                SqliteSignedPeriods.Insert(_db.Writer, transaction, signer.Sign(manifest, previous), now);
            }
        });
    }

    private string? DatedAfterProblem(SqliteTransaction transaction, string period) => SealRules.DatedAfterProblem(period, (dataset, column, bound) =>
    {
        using var command = _db.Writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT count(*), max({column}) FROM s_{dataset.Name} WHERE {column} > $bound";
        command.Parameters.AddWithValue("$bound", bound);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    });

    private void CheckCommitted(SqliteTransaction transaction, MergedSource source) => SealedPeriodsSql.CheckCommitted(_db.Writer, transaction, source);

    /// <summary>The manifest of a sealed period, or null.</summary>
    public Manifest? GetManifest(Period period) => ListManifests().FirstOrDefault(m => m.Period == period);

    /// <summary>Every sealed period's manifest, oldest first.</summary>
    public IReadOnlyList<Manifest> ListManifests() => SqliteErrors.Guard(_db.Path, "reading the manifests", () =>
    {
        using var connection = _db.OpenReader();
        return SealedPeriodsSql.ListManifests(connection);
    });

    /// <summary>Recomputes a sealed period's digest from its rows (to verify it against its manifest).</summary>
    public string RecomputeDigest(Period period)
    {
        using var connection = _db.OpenReader();
        using var transaction = connection.BeginTransaction();
        return SqliteStore.ComputeDigest(connection, _db.DigestAlgorithm, period.ToString());
    }

    /// <summary>Streams a sealed period's records of one dataset, in canonical order (origin, natural key).</summary>
    public IEnumerable<OriginRecord> ReadSealed(Period period, Dataset dataset) => ReadSealedAfter(period, dataset, "", "");

    /// <summary>
    /// Streams a sealed period's records of one dataset after the position (<paramref name="afterOrigin"/>,
    /// <paramref name="afterKey"/>) in canonical order (keyset paging: the resume cursor; both empty = from the start).
    /// </summary>
    public IEnumerable<OriginRecord> ReadSealedAfter(Period period, Dataset dataset, string afterOrigin, string afterKey)
    {
        using var connection = _db.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT origin, {string.Join(", ", dataset.Columns)} FROM p_{dataset.Name} WHERE period = $period AND (origin, {dataset.KeyColumn}) > ($origin, $after) ORDER BY origin, {dataset.KeyColumn}";
        command.Parameters.AddWithValue("$period", period.ToString());
        command.Parameters.AddWithValue("$origin", afterOrigin);
        command.Parameters.AddWithValue("$after", afterKey);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new OriginRecord(reader.GetString(0), SqliteStore.ReadRow(reader, dataset, 1));
        }
    }

    /// <summary>
    /// Streams a sealed period's records of one dataset after a position, like
    /// <see cref="ReadSealedAfter"/>, as packed batches of at most <paramref name="maxRecords"/>
    /// records and about <paramref name="maxBytes"/> bytes: no object per record.
    /// </summary>
    public IEnumerable<PackedBatch> ReadSealedPacked(Period period, Dataset dataset, string afterOrigin, string afterKey, int maxRecords, int maxBytes)
    {
        using var connection = _db.OpenReader();
        foreach (var batch in SqliteStore.ReadPacked(connection,
            $"SELECT origin, {string.Join(", ", dataset.Columns)} FROM p_{dataset.Name} WHERE period = ?1 AND (origin, {dataset.KeyColumn}) > (?2, ?3) ORDER BY origin, {dataset.KeyColumn}",
            dataset, [period.ToString(), afterOrigin, afterKey], maxRecords, maxBytes))
        {
            yield return batch;
        }
    }

    private string? LatestPeriod(SqliteTransaction transaction)
    {
        using var command = _db.Writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT max(period) FROM manifests";
        return command.ExecuteScalar() as string;
    }

    private Manifest? ReadManifest(SqliteTransaction transaction, string period)
    {
        using var command = _db.Writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT period, counts, digest, sealed_at, sources FROM manifests WHERE period = $period";
        command.Parameters.AddWithValue("$period", period);
        using var reader = command.ExecuteReader();
        return Manifest.ReadAll(reader).SingleOrDefault();
    }
}
