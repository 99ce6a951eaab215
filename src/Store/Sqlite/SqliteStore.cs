using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>
/// A node's store on SQLite: one database in WAL mode. Writes (staging, sealing, receiving) go
/// through one connection, one at a time; readers open their own connections (WAL lets them read
/// while a write runs). Every write is one transaction: a crash leaves the old state or the new one.
/// This class owns the database — opening it, the writer, readers, backups; each role the node
/// uses is its own class over it (<see cref="Staging"/>, <see cref="Periods"/>, <see cref="Transfers"/>,
/// <see cref="Holders"/>, <see cref="Findings"/>, <see cref="Links"/>, <see cref="IndicatorQueries"/>).
/// </summary>
public sealed class SqliteStore : INodeStore
{
    // WAL with synchronous=FULL: every commit is on disk when Commit returns (an import or a seal
    // that was reported done survives a power cut). Bulk paths commit once per import or seal, so
    // the per-commit fsync costs little.
    private const string JournalMode = "wal";
    private const int SynchronousFull = 2;

    private readonly SqliteConnection _connection;
    // One writer at a time. A semaphore, not a lock: an import's transaction spans awaits and
    // may be disposed on another thread.
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SqliteStore(string path, SqliteConnection connection, string ownerId)
    {
        Path = path;
        _connection = connection;
        OwnerId = ownerId;
        Staging = new SqliteStaging(this);
        Findings = new SqliteFindings(this);
        Periods = new SqliteSealedPeriods(this);
        Transfers = new SqliteChildTransfers(this);
        Holders = _holders = new SqliteHolderLookups(this);
        Links = new SqliteChildLinks(this);
        IndicatorQueries = new SqliteIndicatorQueries(this);
        Signatures = new SqliteSignedPeriods(this);
    }

    private readonly SqliteHolderLookups _holders;

    /// <summary>The staged data (imports).</summary>
    public IStaging Staging { get; }

    /// <summary>This node's sealed periods.</summary>
    public ISealedPeriods Periods { get; }

    /// <summary>A parent's received snapshots of its children.</summary>
    public IChildTransfers Transfers { get; }

    /// <summary>Verification's point look-ups.</summary>
    public IHolderLookups Holders { get; }

    /// <summary>The findings of merged periods.</summary>
    public IFindings Findings { get; }

    /// <summary>The parent's record of its child links.</summary>
    public IChildLinks Links { get; }

    /// <summary>The indicator rules' queries over this store.</summary>
    public IIndicatorQueries IndicatorQueries { get; }

    /// <summary>Signed period manifests: this node's and, at a parent, those from below.</summary>
    public ISignedPeriods Signatures { get; }

    public string Path { get; }

    /// <summary>
    /// Opens (creating if needed) the store at <paramref name="options"/>.Path and verifies its
    /// settings. <paramref name="digestAlgorithm"/>: the node's (Security:Crypto) — a new store
    /// records it, an existing store of the other algorithm is refused, naming the file; null (offline
    /// tools) takes whatever the store recorded (<see cref="PeriodDigests"/>).
    /// </summary>
    public static SqliteStore Open(StoreOptions options, DigestAlgorithm? digestAlgorithm = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        var connection = OpenConnection(options.Path, options.CacheSizeMiB, readOnly: false);
        try
        {
            Security.SecurityDatabase.OwnerOnly(options.Path);
            // A damaged file is refused before anything reads or migrates it (StoreIntegrity).
            if (StoreIntegrity.QuickCheck(connection) is [_, ..] damage)
            {
                throw new StoreException(StoreIntegrity.Damaged(options.Path, "SQLite's quick_check: " + string.Join("; ", damage)), kind: StoreFailure.Corrupt);
            }
            SetPragma(connection, "journal_mode", JournalMode, JournalMode);
            SetPragma(connection, "synchronous", SynchronousFull.ToString(CultureInfo.InvariantCulture), SynchronousFull.ToString(CultureInfo.InvariantCulture));
            var migrations = SqliteSchema.Open(connection, options.Path, options.NodeId);
            var algorithm = OpenDigestAlgorithm(connection, options.Path, digestAlgorithm);
            return new SqliteStore(options.Path, connection, options.NodeId)
            {
                CacheSizeMiB = options.CacheSizeMiB, MigrationsApplied = migrations, DigestAlgorithm = algorithm,
            };
        }
        catch (SqliteException ex) when (StoreIntegrity.IsDamage(ex))
        {
            connection.Dispose();
            throw new StoreException(StoreIntegrity.Damaged(options.Path, "SQLite: " + ex.Message), ex, StoreFailure.Corrupt);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw SqliteErrors.Wrap(ex, options.Path, "opening the store");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private int CacheSizeMiB { get; init; }

    /// <summary>The algorithm this store digests its periods with, recorded when it was created (<see cref="PeriodDigests"/>).</summary>
    public DigestAlgorithm DigestAlgorithm { get; private init; }

    private static DigestAlgorithm OpenDigestAlgorithm(SqliteConnection connection, string path, DigestAlgorithm? expected)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var algorithm = PeriodDigests.Open(path, expected, connection, transaction);
        transaction.Commit();
        return algorithm;
    }

    /// <summary>The schema migrations this open applied (empty when the store was current); the node logs them.</summary>
    public IReadOnlyList<string> MigrationsApplied { get; private init; } = [];

    /// <summary>The id recorded as the origin of this node's own sealed records.</summary>
    public string OwnerId { get; }

    /// <summary>A new read-only connection for readers running beside writes (inside the store only: no SQL leaves it).</summary>
    internal SqliteConnection OpenReader() => OpenReader(CacheSizeMiB);

    internal SqliteConnection OpenReader(int cacheSizeMiB) => OpenConnection(Path, cacheSizeMiB, readOnly: true);

    /// <summary>The single writer connection; use it only inside <see cref="WithWriteTransaction"/> or a staging transaction.</summary>
    internal SqliteConnection Writer => _connection;

    /// <summary>Waits for the write gate: one writer at a time. The caller releases it with <see cref="ReleaseWrite"/>.</summary>
    internal void EnterWrite() => _writeGate.Wait();

    internal void ReleaseWrite() => _writeGate.Release();

    /// <summary>Runs <paramref name="action"/> in one immediate write transaction, committed when it returns.</summary>
    internal void WithWriteTransaction(Action<SqliteTransaction> action)
    {
        _writeGate.Wait();
        try
        {
            using (var transaction = _connection.BeginTransaction(deferred: false))
            {
                action(transaction);
                transaction.Commit();
            }
        }
        catch (Exception ex) when (StoreIntegrity.IsDiskFull(ex))
        {
            // Rolled back (the using above); its pages stay in the write-ahead log, which the disk needs back.
            ReturnWalSpace(_connection);
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Empties the write-ahead log after a rolled-back write on a full disk: the log keeps its size,
    /// and that is the space the audit log and the next write need. Done only when no reader holds
    /// the log (never waiting for one: a busy checkpoint is simply skipped, and the space comes back
    /// at the next checkpoint).
    /// </summary>
    internal static void ReturnWalSpace(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        try
        {
            command.CommandText = "PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Best effort.
        }
        finally
        {
            command.CommandText = "PRAGMA busy_timeout = 30000;";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Runs one statement with text parameters on the writer's transaction; the rows it changed.</summary>
    internal int Execute(SqliteTransaction transaction, string sql, params (string Name, string Value)[] parameters)
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

    internal static string Stamp(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);



    /// <summary>
    /// Writes a consistent copy of the whole store to <paramref name="destination"/> (R-5) with
    /// <c>VACUUM INTO</c>: it reads inside one read transaction, so writers are not blocked (WAL)
    /// and the copy is compact. The destination must not exist.
    /// </summary>
    public void BackupTo(string destination)
    {
        using var connection = OpenReader();
        SqliteBackups.VacuumInto(connection, Path, destination, "writing a backup");
    }

    /// <summary>
    /// Replaces the store at <paramref name="storePath"/> with a backup, after a restore drill on a
    /// copy of it (<see cref="SqliteBackups.Drill"/>) has found it whole: a backup that fails is
    /// refused, and the store is left as it was. Stop the node first.
    /// </summary>
    public static BackupVerification Restore(string backupPath, string storePath, string nodeId)
    {
        var drill = SqliteBackups.Drill(backupPath, nodeId, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(storePath))!);
        if (!drill.Ok)
        {
            throw new StoreException($"{backupPath} is not restorable: {string.Join("; ", drill.Problems)}. The store was not changed.");
        }
        var temp = storePath + ".restore";
        File.Copy(backupPath, temp, overwrite: true);
        File.Delete(storePath + "-wal");
        File.Delete(storePath + "-shm");
        File.Move(temp, storePath, overwrite: true);
        Security.SecurityDatabase.OwnerOnly(storePath);
        return drill;
    }

    private int _disposed;

    // Idempotent: the node's container registers the one store as INodeStore and as
    // IStoreMaintenance, and disposes what each registration returned.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _holders.Dispose();
        _writeGate.Dispose();
        _connection.Dispose();
        SqliteConnection.ClearPool(_connection);
    }

    internal static string[] ReadRow(SqliteDataReader reader, Dataset dataset, int offset = 0)
    {
        var values = new string[dataset.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i == dataset.ValidColumn ? (reader.GetInt64(offset + i) != 0 ? "1" : "0") : reader.GetString(offset + i);
        }
        return values;
    }

    // The digest of a sealed period, read in canonical order — origin, then natural key, the
    // primary key's order, so no sort — as packed lines, which are the digest's own encoding.
    internal static string ComputeReceivedDigest(SqliteConnection connection, DigestAlgorithm algorithm, string childId, string period, IReadOnlyList<Dataset>? datasets = null)
    {
        using var digest = new TransferDigest(algorithm);
        DigestReceivedRows(connection, childId, period, digest, datasets);
        return digest.Finish();
    }

    // datasets: those the store's tables hold (a migration digests an older schema's); default all.
    internal static string ComputeDigest(SqliteConnection connection, DigestAlgorithm algorithm, string period, IReadOnlyList<Dataset>? datasets = null)
    {
        using var digest = new SnapshotDigest(algorithm);
        foreach (var dataset in datasets ?? Dataset.All)
        {
            digest.BeginDataset(dataset);
            foreach (var batch in ReadPacked(connection,
                $"SELECT origin, {string.Join(", ", dataset.Columns)} FROM p_{dataset.Name} WHERE period = ?1 ORDER BY origin, {dataset.KeyColumn}",
                dataset, [period], DigestBatchRecords, DigestBatchBytes))
            {
                digest.AppendBytes(batch.Bytes.Span);
            }
        }
        return digest.Finish();
    }

    private static SqliteConnection OpenConnection(string path, int cacheSizeMiB, bool readOnly)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA cache_size = -{cacheSizeMiB * 1024}; PRAGMA busy_timeout = 30000; PRAGMA temp_store = FILE;";
        command.ExecuteNonQuery();
        return connection;
    }

    // Sets a PRAGMA and reads it back: a setting that did not take (e.g. WAL on a file system
    // that cannot share memory) must stop the node, not degrade durability silently.
    private static void SetPragma(SqliteConnection connection, string name, string value, string expected)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name} = {value}";
        command.ExecuteNonQuery();
        command.CommandText = $"PRAGMA {name}";
        var actual = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreException($"Failed to configure SQLite: PRAGMA {name} is '{actual}', expected '{expected}'.");
        }
    }

    // The stored rows of a transfer, in canonical order, into the digest (on the connection's
    // current transaction, if any).
    internal static void DigestReceivedRows(SqliteConnection connection, string childId, string period, TransferDigest digest, IReadOnlyList<Dataset>? datasets = null)
    {
        foreach (var dataset in datasets ?? Dataset.All)
        {
            foreach (var batch in ReadPacked(connection,
                $"SELECT origin, {string.Join(", ", dataset.Columns)} FROM c_{dataset.Name} WHERE child_id = ?1 AND period = ?2 ORDER BY origin, {dataset.KeyColumn}",
                dataset, [childId, period], DigestBatchRecords, DigestBatchBytes))
            {
                digest.AppendPacked(dataset, batch.Bytes.Span);
            }
        }
    }

    internal const int DigestBatchRecords = 100_000;
    internal const int DigestBatchBytes = 4 * 1024 * 1024;

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

}
