using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>
/// Backups of a node's store (R-5: 按月对数据进行固化备份): a consistent copy written with
/// <c>VACUUM INTO</c> while the node runs, and a verification that reads the copy the way a
/// restore would — SQLite's integrity check, the schema version, and every sealed and received
/// period's records recomputed against the digest in its manifest — so a backup is known good
/// when it is written, not when it is needed.
/// </summary>
public static class SqliteBackups
{
    /// <summary>
    /// Copies the database <paramref name="connection"/> reads (<paramref name="databasePath"/>) to
    /// <paramref name="destination"/>, a new owner-only file, with <c>VACUUM INTO</c> — one read
    /// transaction, so writers are not blocked (WAL) — for the store's and the security database's
    /// backups alike. What the copy wrote before a full disk stopped it is deleted: a file that is
    /// not a backup must not look like one. Every other failure is the store's, with its kind (a
    /// page damaged since start-up shows here: the copy reads every page).
    /// </summary>
    internal static void VacuumInto(SqliteConnection connection, string databasePath, string destination, string doing)
    {
        if (File.Exists(destination))
        {
            throw new StoreException($"Backup destination {destination} already exists; choose a new file.");
        }
        using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $destination";
        command.Parameters.AddWithValue("$destination", Path.GetFullPath(destination));
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (StoreIntegrity.IsDiskFull(ex))
        {
            File.Delete(destination);
            throw new StoreException(StoreIntegrity.BackupDiskFull(Path.GetFullPath(destination), ex), ex, StoreFailure.DiskFull);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Wrap(ex, databasePath, doing);
        }
        Security.SecurityDatabase.OwnerOnly(destination);
    }

    /// <summary>Verifies the backup at <paramref name="path"/> without changing it.</summary>
    public static BackupVerification Verify(string path)
    {
        if (!File.Exists(path))
        {
            return new BackupVerification(path, 0, [], [$"{path} does not exist"]);
        }
        var problems = new List<string>();
        var periods = new List<PeriodCheck>();
        var version = 0;
        try
        {
            using var connection = OpenReadOnly(path);
            if (Unreadable(connection, out version) is { } unreadable)
            {
                return new BackupVerification(path, version, [], [unreadable]);
            }
            if (version != SqliteSchema.Version)
            {
                // An older backup is verified when restored: opening it migrates it, checking every digest first.
                return new BackupVerification(path, version, [], [$"schema version {version}; this software verifies version {SqliteSchema.Version} (restore it to migrate and check it)"]);
            }
            // The store's own algorithm (a store from before the option has none recorded: SHA-256).
            var recorded = Scalar(connection, $"SELECT value FROM meta WHERE key = '{PeriodDigests.MetaKey}'");
            if ((string.IsNullOrEmpty(recorded) ? DigestAlgorithm.Sha256 : DigestAlgorithms.Parse(recorded)) is not { } algorithm)
            {
                return new BackupVerification(path, version, [], [$"its periods name the digest algorithm '{recorded}', which this software does not know (sha256 or sm3)"]);
            }
            foreach (var (period, digest) in Pairs(connection, "SELECT period, digest FROM manifests ORDER BY period"))
            {
                var actual = SqliteStore.ComputeDigest(connection, algorithm, period);
                periods.Add(new PeriodCheck("", Period.Parse(period), digest, actual == digest));
                if (actual != digest)
                {
                    problems.Add($"sealed period {period}: its records give digest {actual}, its manifest says {digest}");
                }
            }
            foreach (var (key, digest) in Pairs(connection, "SELECT child_id || char(9) || period, digest FROM child_manifests ORDER BY child_id, period"))
            {
                var (child, period) = (key[..key.IndexOf('\t', StringComparison.Ordinal)], key[(key.IndexOf('\t', StringComparison.Ordinal) + 1)..]);
                var actual = SqliteStore.ComputeReceivedDigest(connection, algorithm, child, period);
                periods.Add(new PeriodCheck(child, Period.Parse(period), digest, actual == digest));
                if (actual != digest)
                {
                    problems.Add($"{child}'s received period {period}: its records give digest {actual}, its manifest says {digest}");
                }
            }
        }
        catch (SqliteException ex)
        {
            problems.Add($"cannot be read as a SQLite database: {ex.Message}");
        }
        return new BackupVerification(path, version, periods, problems);
    }

    /// <summary>
    /// Deletes what a restore or a restore drill killed half-way left beside the store at
    /// <paramref name="storePath"/>: drill copies (<c>.restore-drill-*</c>, with their WAL) and the
    /// <c>.restore</c> copies of the store and of the security database <paramref name="securityDatabasePath"/>
    /// — whole copies of personal data nobody would use or delete (the crash campaign found them,
    /// docs/reliability.md). The node runs it at start-up, before it takes calls; a drill running
    /// at that moment from another process loses its copy and fails saying so. Returns the files deleted.
    /// </summary>
    public static int DeleteRestoreLeftovers(string storePath, string? securityDatabasePath)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(storePath))!;
        if (!Directory.Exists(directory))
        {
            return 0;
        }
        var left = Directory.GetFiles(directory, ".restore-drill-*").ToList();
        foreach (var copy in new[] { storePath + ".restore", securityDatabasePath is null ? null : securityDatabasePath + ".restore" })
        {
            if (copy is not null && File.Exists(copy))
            {
                left.Add(copy);
            }
        }
        foreach (var file in left)
        {
            File.Delete(file);
        }
        return left.Count;
    }

    /// <summary>
    /// A restore drill: copies the backup into <paramref name="scratchDirectory"/>, opens the copy
    /// as the node would (an older schema is migrated, each period checked on the way), verifies
    /// it, and deletes the copy. The backup and the live store are not touched.
    /// </summary>
    public static BackupVerification Drill(string backupPath, string nodeId, string scratchDirectory)
    {
        if (!File.Exists(backupPath))
        {
            return new BackupVerification(backupPath, 0, [], [$"{backupPath} does not exist"]);
        }
        Directory.CreateDirectory(scratchDirectory);
        var copy = System.IO.Path.Combine(scratchDirectory, $".restore-drill-{Guid.NewGuid():N}.db");
        try
        {
            File.Copy(backupPath, copy);
            // Whole and ours before opening it read-write (which would add a schema to any file);
            // then opened as the node opens it (an older schema migrates), then every digest once.
            using (var connection = OpenReadOnly(copy))
            {
                if (Unreadable(connection, out var version) is { } unreadable)
                {
                    return new BackupVerification(backupPath, version, [], [unreadable]);
                }
            }
            using (SqliteStore.Open(new StoreOptions { Path = copy, NodeId = nodeId }))
            {
            }
            return Verify(copy) with { Path = backupPath };
        }
        catch (StoreException ex)
        {
            return new BackupVerification(backupPath, 0, [], [ex.Message]);
        }
        catch (SqliteException ex)
        {
            return new BackupVerification(backupPath, 0, [], [$"cannot be read as a SQLite database: {ex.Message}"]);
        }
        finally
        {
            foreach (var file in Directory.EnumerateFiles(scratchDirectory, System.IO.Path.GetFileName(copy) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    // Why the file cannot be a store backup at all (SQLite's integrity check, no meta table), or
    // null with its schema version.
    private static string? Unreadable(SqliteConnection connection, out int version)
    {
        version = 0;
        var integrity = Scalar(connection, "PRAGMA integrity_check");
        if (integrity != "ok")
        {
            return $"SQLite integrity check: {integrity}";
        }
        if (Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") != "1")
        {
            return "not a Federation store (no meta table)";
        }
        version = int.Parse(Scalar(connection, "SELECT value FROM meta WHERE key = 'schema_version'") ?? "0", CultureInfo.InvariantCulture);
        return null;
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static List<(string, string)> Pairs(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var pairs = new List<(string, string)>();
        while (reader.Read())
        {
            pairs.Add((reader.GetString(0), reader.GetString(1)));
        }
        return pairs;
    }
}
