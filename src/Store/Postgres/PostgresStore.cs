using System.Globalization;
using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>
/// The store on PostgreSQL (Npgsql), for the ministry and large provinces, which hold the union
/// of every city. Same roles, same rules, same digests as <see cref="Federation.Store.Sqlite.SqliteStore"/> (SQLite):
/// text columns in the "C" collation so that ordering is UTF-8 byte order, dates as ISO text,
/// <c>valid</c> as 0/1. Sealed data is immutable in the database itself: row triggers refuse any
/// UPDATE or DELETE of a sealed row or manifest, any row added to a sealed period, and TRUNCATE.
/// Each period's sealed rows live in their own partition of <c>p_&lt;dataset&gt;</c>
/// (<c>PARTITION BY LIST (period)</c>), so old periods can be detached and archived whole.
/// A parent's received snapshots (<c>c_&lt;dataset&gt;</c>) are partitioned by child.
/// </summary>
public sealed class PostgresStore : INodeStore
{
    // 3: enterprise employment monitoring (the tables are created at open; a version-2 database is stamped 3).
    // 4: signed periods (a table created at open; a version-2 or -3 database is stamped 4, its periods unsigned).
    // 5: the registration journal's schema (PostgresRegistrationJournal; a version-4 database gains it at open).
    internal const int SchemaVersion = 5;

    private readonly NpgsqlDataSource _source;
    private readonly NpgsqlDataSource _lookupSource;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private PostgresStore(NpgsqlDataSource source, NpgsqlDataSource lookupSource, string ownerId, DigestAlgorithm digestAlgorithm)
    {
        _source = source;
        _lookupSource = lookupSource;
        OwnerId = ownerId;
        DigestAlgorithm = digestAlgorithm;
        Staging = new PostgresStaging(this);
        Periods = new PostgresSealedPeriods(this);
        Transfers = new PostgresChildTransfers(this);
        Holders = new PostgresHolderLookups(this);
        Findings = new PostgresFindings(this);
        Links = new PostgresChildLinks(this);
        IndicatorQueries = new PostgresIndicatorQueries(source);
        Signatures = new PostgresSignedPeriods(this);
    }

    public IStaging Staging { get; }

    public ISealedPeriods Periods { get; }

    public IChildTransfers Transfers { get; }

    public IHolderLookups Holders { get; }

    public IFindings Findings { get; }

    public IChildLinks Links { get; }

    /// <summary>The indicator rules' queries over this store.</summary>
    public IIndicatorQueries IndicatorQueries { get; }

    /// <summary>Signed period manifests: this node's and, at a parent, those from below.</summary>
    public ISignedPeriods Signatures { get; }

    /// <summary>The algorithm this store digests its periods with, recorded when it was created (<see cref="PeriodDigests"/>).</summary>
    public DigestAlgorithm DigestAlgorithm { get; }

    internal NpgsqlConnection OpenConnection() => _source.OpenConnection();

    /// <summary>
    /// A connection for verification's point look-ups (read-only, one statement each), from a pool
    /// of its own that does not reset a connection when it returns: the reset Npgsql otherwise sends
    /// with the next statement (CLOSE ALL, UNLISTEN, advisory unlock, DISCARD) costs as much on the
    /// server as the look-up itself, and look-ups leave no session state to reset.
    /// </summary>
    internal NpgsqlConnection OpenLookupConnection() => _lookupSource.OpenConnection();

    internal void EnterWrite() => _writeGate.Wait();

    internal void ReleaseWrite() => _writeGate.Release();

    /// <summary>Runs <paramref name="action"/> in one transaction holding the single-writer advisory lock, committed when it returns.</summary>
    internal void WithWriteTransaction(Action<NpgsqlConnection, NpgsqlTransaction> action)
    {
        _writeGate.Wait();
        try
        {
            using var connection = _source.OpenConnection();
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({WriterLock})");
            action(connection, transaction);
            transaction.Commit();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    // One writer at a time across processes (the node and a `seal` command).
    internal const long WriterLock = 727400001;

    internal static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.ExecuteNonQuery();
    }

    internal static string Stamp(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The id recorded as the origin of this node's own sealed records.</summary>
    public string OwnerId { get; }

    /// <summary>Where the store is: the server, port and database (never the password).</summary>
    public string Path => Where(_source.ConnectionString);

    internal static string Where(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
    }

    public IReadOnlyList<string> MigrationsApplied => [];

    /// <summary>
    /// A PostgreSQL store is backed up with PostgreSQL's own tools (pg_dump, pg_basebackup with
    /// WAL archiving; docs/operations.md), not by the node.
    /// </summary>
    public void BackupTo(string destination) =>
        throw new StoreException("A PostgreSQL store is backed up with PostgreSQL's tools (pg_dump -Fc, or pg_basebackup with WAL archiving); see docs/operations.md, \"Backups\".");

    /// <summary>
    /// Opens the store in the database the connection string names, creating the schema in a new
    /// database. <paramref name="digestAlgorithm"/>: the node's (Security:Crypto) — a new store records
    /// it, a store of the other algorithm is refused, naming the database; null takes what is recorded.
    /// </summary>
    public static PostgresStore Open(string connectionString, string ownerId, DigestAlgorithm? digestAlgorithm = null)
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
        var lookupSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { NoResetOnClose = true }.ConnectionString);
        try
        {
            var algorithm = PostgresSchema.Open(source, digestAlgorithm);
            return new PostgresStore(source, lookupSource, ownerId, algorithm);
        }
        catch
        {
            lookupSource.Dispose();
            source.Dispose();
            throw;
        }
    }

    // The same canonical form as SQLite's: per dataset "#name\n", then each record ordered by
    // origin then natural key in UTF-8 byte order ("C" collation), packed as origin TAB values LF.
    internal string ComputeDigest(NpgsqlConnection connection, NpgsqlTransaction transaction, string period)
    {
        using var digest = new SnapshotDigest(DigestAlgorithm);
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
    internal static string Partition(Dataset dataset, string period) => $"p_{dataset.Name}_{period.Replace("-", "", StringComparison.Ordinal)}";

    internal static object? Scalar(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private int _disposed;

    // Idempotent, as SqliteStore's.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _lookupSource.Dispose();
        _source.Dispose();
        _writeGate.Dispose();
    }
}
