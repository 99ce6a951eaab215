using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>
/// The store on PostgreSQL (Npgsql), for the ministry and large provinces, which hold the union
/// of every city. Same roles, same rules, same digests as <see cref="FederationStore"/> (SQLite):
/// text columns in the "C" collation so that ordering is UTF-8 byte order, dates as ISO text,
/// <c>valid</c> as 0/1. Sealed data is immutable in the database itself: row triggers refuse any
/// UPDATE or DELETE of a sealed row or manifest, any row added to a sealed period, and TRUNCATE.
/// Each period's sealed rows live in their own partition of <c>p_&lt;dataset&gt;</c>
/// (<c>PARTITION BY LIST (period)</c>), so old periods can be detached and archived whole.
/// A parent's received snapshots (<c>c_&lt;dataset&gt;</c>) are partitioned by child.
/// </summary>
public sealed partial class PostgresStore : IStaging, ISealedPeriods, IStoreMaintenance, IDisposable
{
    internal const int SchemaVersion = 2;

    private readonly NpgsqlDataSource _source;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private PostgresStore(NpgsqlDataSource source, string ownerId)
    {
        _source = source;
        OwnerId = ownerId;
    }

    /// <summary>The id recorded as the origin of this node's own sealed records.</summary>
    public string OwnerId { get; }

    /// <summary>The indicator rules' queries over this store.</summary>
    public IIndicatorQueries IndicatorQueries => _indicatorQueries ??= new PostgresIndicatorQueries(_source);

    private IIndicatorQueries? _indicatorQueries;

    /// <summary>Where the store is: the server, port and database (never the password).</summary>
    public string Path
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_source.ConnectionString);
            return $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    public IReadOnlyList<string> MigrationsApplied => [];

    /// <summary>
    /// A PostgreSQL store is backed up with PostgreSQL's own tools (pg_dump, pg_basebackup with
    /// WAL archiving; docs/operations.md), not by the node.
    /// </summary>
    public void BackupTo(string destination) =>
        throw new StoreException("A PostgreSQL store is backed up with PostgreSQL's tools (pg_dump -Fc, or pg_basebackup with WAL archiving); see docs/operations.md, \"Backups\".");

    /// <summary>Opens the store in the database the connection string names, creating the schema in a new database.</summary>
    public static PostgresStore Open(string connectionString, string ownerId)
    {
        // Point look-ups repeat the same few statements thousands of times a second: let Npgsql
        // prepare them on each pooled connection.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }
        // Sealing or merging a ministry period moves tens of millions of rows: no client-side
        // time limit on a statement unless the operator sets one (measured: 5 M persons' merge
        // took longer than Npgsql's default 30 s). Readers never wait for writers (MVCC), and
        // partitions are created in their own short transactions, so look-ups are not held up.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            builder.CommandTimeout = 0;
        }
        var source = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            PostgresSchema.Open(source);
            return new PostgresStore(source, ownerId);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public IStagingTransaction BeginStaging()
    {
        _writeGate.Wait();
        try
        {
            return new PostgresStagingTransaction(_source.OpenConnection(), () => _writeGate.Release());
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    public IEnumerable<string[]> ReadStaged(Dataset dataset)
    {
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand($"SELECT {Columns(dataset)} FROM s_{dataset.Name} ORDER BY {dataset.KeyColumn}", connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ReadRow(reader, dataset, 0);
        }
    }

    public Manifest Seal(DateOnly asOf, DateTimeOffset now) => Seal(asOf, now, []);

    public Manifest Seal(DateOnly asOf, DateTimeOffset now, IReadOnlyList<MergedSource> children)
    {
        if (FederationStore.FutureProblem(asOf, now) is { } future)
        {
            throw new StoreException(future);
        }
        var period = Iso(asOf);
        _writeGate.Wait();
        try
        {
            using var connection = _source.OpenConnection();
            // The period's partitions first, in a short transaction of their own: creating a
            // partition locks its parent table, which must not stay locked while the period's
            // rows are copied (readers of earlier periods would wait). An empty partition of a
            // seal that then fails is harmless.
            using (var partitions = connection.BeginTransaction())
            {
                if (SealRules.OrderProblem(period, Scalar(connection, partitions, "SELECT max(period) FROM manifests") as string) is { } early)
                {
                    throw new StoreException(early);
                }
                foreach (var dataset in Dataset.All)
                {
                    Execute(connection, partitions, $"CREATE TABLE IF NOT EXISTS {Partition(dataset, period)} PARTITION OF p_{dataset.Name} FOR VALUES IN ('{period}')");
                }
                partitions.Commit();
            }
            using var transaction = connection.BeginTransaction();
            // One sealer at a time across processes (the node and a `seal` command).
            Execute(connection, transaction, "SELECT pg_advisory_xact_lock(727400001)");
            var latest = Scalar(connection, transaction, "SELECT max(period) FROM manifests") as string;
            if (SealRules.OrderProblem(period, latest) is { } order)
            {
                throw new StoreException(order);
            }
            if (SealRules.DatedAfterProblem(period, (dataset, column) =>
                {
                    using var command = new NpgsqlCommand($"SELECT count(*), max({column}) FROM s_{dataset.Name} WHERE {column} > @period", connection, transaction);
                    command.Parameters.AddWithValue("period", period);
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
                using var copy = new NpgsqlCommand($"INSERT INTO p_{dataset.Name} (period, origin, {Columns(dataset)}) SELECT @period, @owner, {Columns(dataset)} FROM s_{dataset.Name}", connection, transaction);
                copy.Parameters.AddWithValue("period", period);
                copy.Parameters.AddWithValue("owner", OwnerId);
                long count = copy.ExecuteNonQuery();
                foreach (var source in children)
                {
                    using var merge = new NpgsqlCommand($"INSERT INTO p_{dataset.Name} (period, origin, {Columns(dataset)}) SELECT @period, origin, {Columns(dataset)} FROM c_{dataset.Name} WHERE child_id = @child AND period = @childPeriod",
                        connection, transaction);
                    merge.Parameters.AddWithValue("period", period);
                    merge.Parameters.AddWithValue("child", source.ChildId);
                    merge.Parameters.AddWithValue("childPeriod", source.Period);
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
                WriteFindings(connection, transaction, period);
            }
            var digest = ComputeDigest(connection, transaction, period);
            Execute(connection, transaction, "INSERT INTO manifests (period, counts, digest, sealed_at, sources) VALUES (@period, @counts, @digest, @sealed, @sources)",
                ("period", period), ("counts", JsonSerializer.Serialize(counts)), ("digest", digest), ("sealed", Stamp(now)), ("sources", JsonSerializer.Serialize(children)));
            transaction.Commit();
            return new Manifest(asOf, counts, digest, now) { Sources = children };
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static void CheckCommitted(NpgsqlConnection connection, NpgsqlTransaction transaction, MergedSource source)
    {
        using var command = new NpgsqlCommand("SELECT digest FROM child_manifests WHERE child_id = @child AND period = @period", connection, transaction);
        command.Parameters.AddWithValue("child", source.ChildId);
        command.Parameters.AddWithValue("period", source.Period);
        if (SealRules.SourceProblem(source, command.ExecuteScalar() as string) is { } problem)
        {
            throw new StoreException(problem);
        }
    }

    public Manifest? GetManifest(DateOnly asOf) => ListManifests().FirstOrDefault(m => m.AsOf == asOf);

    public IReadOnlyList<Manifest> ListManifests()
    {
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand("SELECT period, counts, digest, sealed_at, sources FROM manifests ORDER BY period", connection);
        using var reader = command.ExecuteReader();
        return Manifest.ReadAll(reader);
    }

    public string RecomputeDigest(DateOnly asOf)
    {
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        return ComputeDigest(connection, transaction, Iso(asOf));
    }

    public IEnumerable<OriginRecord> ReadSealed(DateOnly asOf, Dataset dataset) => ReadSealedAfter(asOf, dataset, "", "");

    public IEnumerable<OriginRecord> ReadSealedAfter(DateOnly asOf, Dataset dataset, string afterOrigin, string afterKey)
    {
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand(
            $"SELECT origin, {Columns(dataset)} FROM p_{dataset.Name} WHERE period = @period AND (origin, {dataset.KeyColumn}) > (@origin, @after) ORDER BY origin, {dataset.KeyColumn}",
            connection);
        command.Parameters.AddWithValue("period", Iso(asOf));
        command.Parameters.AddWithValue("origin", afterOrigin);
        command.Parameters.AddWithValue("after", afterKey);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new OriginRecord(reader.GetString(0), ReadRow(reader, dataset, 1));
        }
    }

    public IEnumerable<PackedBatch> ReadSealedPacked(DateOnly asOf, Dataset dataset, string afterOrigin, string afterKey, int maxRecords, int maxBytes)
    {
        var batch = new List<OriginRecord>(Math.Min(maxRecords, 4096));
        long bytes = 0;
        foreach (var record in ReadSealedAfter(asOf, dataset, afterOrigin, afterKey))
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

    // The same canonical form as SQLite's: per dataset "#name\n", then each record ordered by
    // origin then natural key in UTF-8 byte order ("C" collation), packed as origin TAB values LF.
    private static string ComputeDigest(NpgsqlConnection connection, NpgsqlTransaction transaction, string period)
    {
        using var digest = new SnapshotDigest();
        foreach (var dataset in Dataset.All)
        {
            digest.BeginDataset(dataset);
            using var command = new NpgsqlCommand($"SELECT origin, {Columns(dataset)} FROM p_{dataset.Name} WHERE period = @period ORDER BY origin, {dataset.KeyColumn}", connection, transaction);
            command.Parameters.AddWithValue("period", period);
            using var reader = command.ExecuteReader();
            var batch = new List<OriginRecord>(4096);
            while (reader.Read())
            {
                batch.Add(new OriginRecord(reader.GetString(0), ReadRow(reader, dataset, 1)));
                if (batch.Count == 4096)
                {
                    digest.AppendBytes(PackedRecords.Pack(dataset, batch, "the store").Span);
                    batch.Clear();
                }
            }
            digest.AppendBytes(PackedRecords.Pack(dataset, batch, "the store").Span);
        }
        return digest.Finish();
    }

    internal static string[] ReadRow(NpgsqlDataReader reader, Dataset dataset, int offset)
    {
        var values = new string[dataset.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i == dataset.ValidColumn
                ? (reader.GetInt16(offset + i) != 0 ? "1" : "0")
                : reader.GetString(offset + i);
        }
        return values;
    }

    internal static string Columns(Dataset dataset) => string.Join(", ", dataset.Columns);

    // p_persons_20261031: a period's partition (the period is validated: digits and dashes only).
    private static string Partition(Dataset dataset, string period) => $"p_{dataset.Name}_{period.Replace("-", "", StringComparison.Ordinal)}";

    private static object? Scalar(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _source.Dispose();
        _writeGate.Dispose();
    }
}
