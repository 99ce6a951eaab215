using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Federation.Store;

/// <summary>
/// A node's store: one SQLite database in WAL mode. Writes (staging, sealing) go through one
/// connection, one at a time; readers open their own connections (WAL lets them read while a
/// write runs). Every write is one transaction: a crash leaves the old state or the new one.
/// </summary>
public sealed partial class FederationStore : IDisposable, IStaging, ISealedPeriods, IStoreMaintenance
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

    private readonly ThreadLocal<LookupSession> _lookupSessions;

    private FederationStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
        _lookupSessions = new ThreadLocal<LookupSession>(() => new LookupSession(OpenConnection(path, LookupCacheMiB, readOnly: true)), trackAllValues: true);
    }

    public string Path { get; }

    /// <summary>Opens (creating if needed) the store at <paramref name="options"/>.Path and verifies its settings.</summary>
    public static FederationStore Open(StoreOptions options)
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
            SetPragma(connection, "journal_mode", JournalMode, JournalMode);
            SetPragma(connection, "synchronous", SynchronousFull.ToString(CultureInfo.InvariantCulture), SynchronousFull.ToString(CultureInfo.InvariantCulture));
            var migrations = SqliteSchema.Open(connection, options.Path, options.NodeId);
            return new FederationStore(options.Path, connection) { CacheSizeMiB = options.CacheSizeMiB, OwnerId = options.NodeId, MigrationsApplied = migrations };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private int CacheSizeMiB { get; init; }

    /// <summary>The schema migrations this open applied (empty when the store was current); the node logs them.</summary>
    public IReadOnlyList<string> MigrationsApplied { get; private init; } = [];

    /// <summary>The indicator rules' queries over this store.</summary>
    public IIndicatorQueries IndicatorQueries => _indicatorQueries ??= new SqliteIndicatorQueries(this);

    private IIndicatorQueries? _indicatorQueries;

    /// <summary>A new read-only connection for readers running beside writes (inside the store only: no SQL leaves it).</summary>
    internal SqliteConnection OpenReader() => OpenConnection(Path, CacheSizeMiB, readOnly: true);

    // Point look-ups (verification) run thousands of times a second: each thread keeps a read-only
    // connection with prepared statements (LookupSession), with a small page cache each.
    private const int LookupCacheMiB = 8;



    /// <summary>Starts a staging transaction (an import). Only one runs at a time; dispose without <see cref="StagingTransaction.Commit"/> to roll back.</summary>
    public IStagingTransaction BeginStaging()
    {
        _writeGate.Wait();
        try
        {
            return new StagingTransaction(_connection, () => _writeGate.Release());
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    /// <summary>
    /// Why a period as of <paramref name="asOf"/> cannot be sealed at <paramref name="now"/>, or
    /// null. A period is sealed once its date has come, on Beijing time (UTC+8, the network's
    /// calendar): a period dated in the future would sort after every real one and, since
    /// periods are sealed in order, block them all.
    /// </summary>
    public static string? FutureProblem(DateOnly asOf, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        return asOf > today ? $"Period {Iso(asOf)} is in the future (today is {Iso(today)}, Beijing time); a period is sealed on or after its as-of date." : null;
    }

    /// <summary>
    /// Seals the staged data as the period snapshot as of <paramref name="asOf"/>: copies every
    /// dataset, counts it, digests it and writes the manifest, in one transaction. Periods are
    /// sealed in order; a sealed period can never be changed.
    /// </summary>
    public Manifest Seal(DateOnly asOf, DateTimeOffset now) => Seal(asOf, now, []);

    /// <summary>
    /// Seals a parent's period as of <paramref name="asOf"/>: its own staged data (origin: this
    /// node) merged with the given committed child snapshots (their rows keep their origins),
    /// with the cross-child findings (比对), counts, digest and a manifest naming the sources —
    /// in one transaction. Periods are sealed in order; a sealed period can never be changed.
    /// </summary>
    public Manifest Seal(DateOnly asOf, DateTimeOffset now, IReadOnlyList<MergedSource> children)
    {
        if (FutureProblem(asOf, now) is { } future)
        {
            throw new StoreException(future);
        }
        var period = Iso(asOf);
        Manifest? manifest = null;
        WithWriteTransaction(transaction =>
        {
            if (SealRules.OrderProblem(period, LatestPeriod(_connection, transaction)) is { } order)
            {
                throw new StoreException(order);
            }
            foreach (var source in children)
            {
                CheckCommitted(transaction, source);
            }
            if (DatedAfterProblem(transaction, period) is { } dated)
            {
                throw new StoreException(dated);
            }
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var dataset in Dataset.All)
            {
                var columns = string.Join(", ", dataset.Columns);
                long count = Execute(transaction, $"INSERT INTO p_{dataset.Name} (period, origin, {columns}) SELECT $period, $owner, {columns} FROM s_{dataset.Name}",
                    ("$period", period), ("$owner", OwnerId));
                foreach (var source in children)
                {
                    try
                    {
                        count += Execute(transaction,
                            $"INSERT INTO p_{dataset.Name} (period, origin, {columns}) SELECT $period, origin, {columns} FROM c_{dataset.Name} WHERE child_id = $child AND period = $childPeriod",
                            ("$period", period), ("$child", source.ChildId), ("$childPeriod", source.Period));
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
                WriteFindings(transaction, period);
            }
            var digest = ComputeDigest(_connection, period);
            Execute(transaction, "INSERT INTO manifests (period, counts, digest, sealed_at, sources) VALUES ($period, $counts, $digest, $sealedAt, $sources)",
                ("$period", period), ("$counts", JsonSerializer.Serialize(counts)), ("$digest", digest), ("$sealedAt", Stamp(now)),
                ("$sources", JsonSerializer.Serialize(children)));
            manifest = new Manifest(asOf, counts, digest, now) { Sources = children };
        });
        return manifest!;
    }

    private string? DatedAfterProblem(SqliteTransaction transaction, string period) => SealRules.DatedAfterProblem(period, (dataset, column) =>
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT count(*), max({column}) FROM s_{dataset.Name} WHERE {column} > $period";
        command.Parameters.AddWithValue("$period", period);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    });

    /// <summary>The id recorded as the origin of this node's own sealed records.</summary>
    public string OwnerId { get; private init; } = "";

    private void CheckCommitted(SqliteTransaction transaction, MergedSource source)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT digest FROM child_manifests WHERE child_id = $child AND period = $period";
        command.Parameters.AddWithValue("$child", source.ChildId);
        command.Parameters.AddWithValue("$period", source.Period);
        if (SealRules.SourceProblem(source, command.ExecuteScalar() as string) is { } problem)
        {
            throw new StoreException(problem);
        }
    }

    /// <summary>The manifest of a sealed period, or null.</summary>
    public Manifest? GetManifest(DateOnly asOf) => ListManifests().FirstOrDefault(m => m.AsOf == asOf);

    /// <summary>Every sealed period's manifest, oldest first.</summary>
    public IReadOnlyList<Manifest> ListManifests()
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = ManifestsQuery;
        using var reader = command.ExecuteReader();
        return ReadManifests(reader);
    }

    private const string ManifestsQuery = "SELECT period, counts, digest, sealed_at, sources FROM manifests ORDER BY period";

    private static List<Manifest> ReadManifests(SqliteDataReader reader) => Manifest.ReadAll(reader);

    /// <summary>Recomputes a sealed period's digest from its rows (to verify it against its manifest).</summary>
    public string RecomputeDigest(DateOnly asOf)
    {
        using var connection = OpenReader();
        using var transaction = connection.BeginTransaction();
        return ComputeDigest(connection, asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>Streams a sealed period's records of one dataset, in canonical order (origin, natural key).</summary>
    public IEnumerable<OriginRecord> ReadSealed(DateOnly asOf, Dataset dataset) => ReadSealedAfter(asOf, dataset, "", "");

    /// <summary>Streams the staged records of one dataset, ordered by natural key.</summary>
    public IEnumerable<string[]> ReadStaged(Dataset dataset)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", dataset.Columns)} FROM s_{dataset.Name} ORDER BY {dataset.KeyColumn}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ReadRow(reader, dataset);
        }
    }

    /// <summary>
    /// Writes a consistent copy of the whole store to <paramref name="destination"/> (R-5) with
    /// <c>VACUUM INTO</c>: it reads inside one read transaction, so writers are not blocked (WAL)
    /// and the copy is compact. The destination must not exist.
    /// </summary>
    public void BackupTo(string destination)
    {
        if (File.Exists(destination))
        {
            throw new StoreException($"Backup destination {destination} already exists; choose a new file.");
        }
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $destination";
        command.Parameters.AddWithValue("$destination", System.IO.Path.GetFullPath(destination));
        command.ExecuteNonQuery();
        Security.SecurityDatabase.OwnerOnly(destination);
    }

    /// <summary>
    /// Restores a backup into <paramref name="storePath"/> (the store must be closed): checks the
    /// backup's integrity and schema first, then replaces the database atomically.
    /// </summary>
    /// <summary>
    /// Replaces the store at <paramref name="storePath"/> with a backup, after a restore drill on a
    /// copy of it (<see cref="StoreBackups.Drill"/>) has found it whole: a backup that fails is
    /// refused, and the store is left as it was. Stop the node first.
    /// </summary>
    public static BackupVerification Restore(string backupPath, string storePath, string nodeId)
    {
        var drill = StoreBackups.Drill(backupPath, nodeId, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(storePath))!);
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

    // Idempotent: the node's container hands the one store out under each of its role interfaces,
    // and disposes what each registration returned.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _writeGate.Dispose();
        _connection.Dispose();
        SqliteConnection.ClearPool(_connection);
        foreach (var session in _lookupSessions.Values)
        {
            session.Dispose();
        }
        _lookupSessions.Dispose();
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
    internal static string ComputeReceivedDigest(SqliteConnection connection, string childId, string period)
    {
        using var digest = new TransferDigest();
        DigestReceivedRows(connection, childId, period, digest);
        return digest.Finish();
    }

    internal static string ComputeDigest(SqliteConnection connection, string period)
    {
        using var digest = new SnapshotDigest();
        foreach (var dataset in Dataset.All)
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

    private static string? LatestPeriod(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT max(period) FROM manifests";
        return command.ExecuteScalar() as string;
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
}
