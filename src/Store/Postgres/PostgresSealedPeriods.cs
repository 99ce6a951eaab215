using System.Text.Json;
using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>
/// This node's sealed periods on PostgreSQL, with SQLite's rules and digests: each period's rows in
/// partitions of their own, created before the seal's transaction; the seal holds the writer lock.
/// </summary>
public sealed class PostgresSealedPeriods : ISealedPeriods
{
    private readonly PostgresStore _db;

    internal PostgresSealedPeriods(PostgresStore db) => _db = db;

    public Manifest Seal(Period period, DateTimeOffset now) => Seal(period, now, [], null);

    public Manifest Seal(Period period, DateTimeOffset now, IReadOnlyList<MergedSource> children, ICityPopulations? populations = null, IPeriodSigner? signer = null) =>
        Seal(period, now, children, period.ToString(), populations, signer);

    private Manifest Seal(Period asOf, DateTimeOffset now, IReadOnlyList<MergedSource> children, string period, ICityPopulations? populations, IPeriodSigner? signer)
    {
        if (SealRules.FutureProblem(asOf, now) is { } future)
        {
            throw new StoreException(future);
        }
        _db.EnterWrite();
        try
        {
            using var connection = _db.OpenConnection();
            // The period's partitions first, in a short transaction of their own: creating a
            // partition locks its parent table, which must not stay locked while the period's
            // rows are copied (readers of earlier periods would wait). An empty partition of a
            // seal that then fails is harmless.
            using (var partitions = connection.BeginTransaction())
            {
                if (SealRules.OrderProblem(period, PostgresStore.Scalar(connection, partitions, "SELECT max(period) FROM manifests") as string) is { } early)
                {
                    throw new StoreException(early);
                }
                foreach (var dataset in Dataset.All)
                {
                    PostgresStore.Execute(connection, partitions, $"CREATE TABLE IF NOT EXISTS {PostgresStore.Partition(dataset, period)} PARTITION OF p_{dataset.Name} FOR VALUES IN ('{period}')");
                }
                partitions.Commit();
            }
            using var transaction = connection.BeginTransaction();
            // One sealer at a time across processes (the node and a `seal` command).
            PostgresStore.Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgresStore.WriterLock})");
            var latest = PostgresStore.Scalar(connection, transaction, "SELECT max(period) FROM manifests") as string;
            if (SealRules.OrderProblem(period, latest) is { } order)
            {
                throw new StoreException(order);
            }
            if (SealRules.DatedAfterProblem(period, (dataset, column, bound) =>
                {
                    using var command = new NpgsqlCommand($"SELECT count(*), max({column}) FROM s_{dataset.Name} WHERE {column} > @bound", connection, transaction);
                    command.Parameters.AddWithValue("bound", bound);
                    using var reader = command.ExecuteReader();
                    reader.Read();
                    return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
                }) is { } dated)
            {
                throw new StoreException(dated);
            }
            foreach (var source in children)
            {
                CheckCommitted(connection, transaction, source);
            }
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var dataset in Dataset.All)
            {
                using var copy = new NpgsqlCommand($"INSERT INTO p_{dataset.Name} (period, origin, {PostgresStore.Columns(dataset)}) SELECT @period, @owner, {PostgresStore.Columns(dataset)} FROM s_{dataset.Name}", connection, transaction);
                copy.Parameters.AddWithValue("period", period);
                copy.Parameters.AddWithValue("owner", _db.OwnerId);
                long count = copy.ExecuteNonQuery();
                foreach (var source in children)
                {
                    using var merge = new NpgsqlCommand($"INSERT INTO p_{dataset.Name} (period, origin, {PostgresStore.Columns(dataset)}) SELECT @period, origin, {PostgresStore.Columns(dataset)} FROM c_{dataset.Name} WHERE child_id = @child AND period = @childPeriod",
                        connection, transaction);
                    merge.Parameters.AddWithValue("period", period);
                    merge.Parameters.AddWithValue("child", source.ChildId);
                    merge.Parameters.AddWithValue("childPeriod", source.Period.ToString());
                    try
                    {
                        count += merge.ExecuteNonQuery();
                    }
                    catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
                    {
                        throw new StoreException($"{source.ChildId}'s snapshot of {source.Period} holds {dataset.Name} records of an origin that another source of period {period} also holds; node ids must be unique in the tree (check-tree).", ex);
                    }
                }
                counts[dataset.Name] = count;
            }
            if (children.Count > 0)
            {
                PostgresFindings.Write(connection, transaction, period, populations);
            }
            var digest = _db.ComputeDigest(connection, transaction, period);
            PostgresStore.Execute(connection, transaction, "INSERT INTO manifests (period, counts, digest, sealed_at, sources) VALUES (@period, @counts, @digest, @sealed, @sources)",
                ("period", period), ("counts", JsonSerializer.Serialize(counts)), ("digest", digest), ("sealed", PostgresStore.Stamp(now)), ("sources", JsonSerializer.Serialize(children)));
            var manifest = new Manifest(asOf, counts, digest, now) { Sources = children };
            if (signer is not null)
            {
                Manifest? previous = null;
                if (latest is not null)
                {
                    using var read = new NpgsqlCommand("SELECT period, counts, digest, sealed_at, sources FROM manifests WHERE period = @period", connection, transaction);
                    read.Parameters.AddWithValue("period", latest);
                    using var reader = read.ExecuteReader();
                    previous = Manifest.ReadAll(reader).SingleOrDefault();
                }
                PostgresSignedPeriods.Insert(connection, transaction, signer.Sign(manifest, previous), now);
            }
            transaction.Commit();
            return manifest;
        }
        finally
        {
            _db.ReleaseWrite();
        }
    }

    private static void CheckCommitted(NpgsqlConnection connection, NpgsqlTransaction transaction, MergedSource source) =>
        SealedPeriodsSql.CheckCommitted(connection, transaction, source);

    public Manifest? GetManifest(Period period) => ListManifests().FirstOrDefault(m => m.Period == period);

    public IReadOnlyList<Manifest> ListManifests() => PostgresErrors.Guard(_db.Path, "reading the manifests", () =>
    {
        using var connection = _db.OpenConnection();
        return SealedPeriodsSql.ListManifests(connection);
    });

    public string RecomputeDigest(Period period)
    {
        using var connection = _db.OpenConnection();
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        return _db.ComputeDigest(connection, transaction, period.ToString());
    }

    public IEnumerable<OriginRecord> ReadSealed(Period period, Dataset dataset) => ReadSealedAfter(period, dataset, "", "");

    public IEnumerable<OriginRecord> ReadSealedAfter(Period period, Dataset dataset, string afterOrigin, string afterKey)
    {
        using var connection = _db.OpenConnection();
        using var command = new NpgsqlCommand(
            $"SELECT origin, {PostgresStore.Columns(dataset)} FROM p_{dataset.Name} WHERE period = @period AND (origin, {dataset.KeyColumn}) > (@origin, @after) ORDER BY origin, {dataset.KeyColumn}",
            connection);
        command.Parameters.AddWithValue("period", period.ToString());
        command.Parameters.AddWithValue("origin", afterOrigin);
        command.Parameters.AddWithValue("after", afterKey);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new OriginRecord(reader.GetString(0), PostgresStore.ReadRow(reader, dataset, 1));
        }
    }

    public IEnumerable<PackedBatch> ReadSealedPacked(Period period, Dataset dataset, string afterOrigin, string afterKey, int maxRecords, int maxBytes)
    {
        var batch = new List<OriginRecord>(Math.Min(maxRecords, 4096));
        long bytes = 0;
        foreach (var record in ReadSealedAfter(period, dataset, afterOrigin, afterKey))
        {
            batch.Add(record);
            bytes += record.Origin.Length + record.Values.Sum(v => v.Length + 1) + 1;
            if (batch.Count >= maxRecords || bytes >= maxBytes)
            {
                yield return Packed(dataset, batch);
                batch = new List<OriginRecord>(batch.Count);
                bytes = 0;
            }
        }
        if (batch.Count > 0)
        {
            yield return Packed(dataset, batch);
        }
    }

    private static PackedBatch Packed(Dataset dataset, List<OriginRecord> records) =>
        new(PackedRecords.Pack(dataset, records, "the store"), records.Count, records[^1].Origin, records[^1].Values[0]);
}
