using System.Globalization;
using Federation.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Security;

/// <summary>
/// The node's security database, a SQLite file of its own beside the store
/// (<c>&lt;store&gt;.security.db</c>): accounts and the audit log. Kept apart from the record store
/// so that an audit append never waits behind an import's long transaction, and so it can be kept
/// and backed up on its own terms. WAL; each class opens its own connection with its own
/// durability (<see cref="Open"/>). The file is made owner-only (0600).
/// </summary>
public static class SecurityDatabase
{
    internal const int Version = 2;

    /// <summary>The security database's path for a store at <paramref name="storePath"/>.</summary>
    public static string PathFor(string storePath) =>
        System.IO.Path.ChangeExtension(storePath, null) + ".security.db";

    /// <summary>
    /// Opens (creating if needed) the database. <paramref name="durable"/>: synchronous=FULL, every
    /// commit on disk when it returns (accounts: a revocation must survive a power cut); otherwise
    /// synchronous=NORMAL, a commit survives the process but a power cut may lose the last ones
    /// (the audit log: measured, an fsync per commit cut an idle node's verifications from
    /// ~1,500/s to ~230/s; the parent's witness still shows a shortened chain).
    /// </summary>
    internal static SqliteConnection Open(string path, bool durable)
    {
        SqliteConnection connection;
        try
        {
            connection = OpenFile(path, durable);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Wrap(ex, path, "opening the security database");
        }
        try
        {
            Execute(connection, Schema);
            using var version = connection.CreateCommand();
            version.CommandText = "SELECT value FROM meta WHERE key = 'version'";
            var found = version.ExecuteScalar() as string;
            if (found is null)
            {
                Execute(connection, $"INSERT OR IGNORE INTO meta (key, value) VALUES ('version', '{Version}')");
            }
            else if (int.Parse(found, CultureInfo.InvariantCulture) > Version)
            {
                throw new StoreException($"{path} is security schema v{found}, newer than this node's v{Version}: run the newer node version.");
            }
            else if (found == "1")
            {
                MigrateToLiveWitness(connection);
            }
            return connection;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw SqliteErrors.Wrap(ex, path, "opening the security database");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens (creating it and its directory if needed) a SQLite file of the node's own beside the
    /// store — the security database, the registration journal: owner-only, WAL, a 30 s busy
    /// timeout, <c>synchronous</c> FULL when <paramref name="durable"/>, else NORMAL.
    /// </summary>
    internal static SqliteConnection OpenFile(string path, bool durable)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        try
        {
            OwnerOnly(path);
            Execute(connection, $"PRAGMA busy_timeout = 30000; PRAGMA journal_mode = wal; PRAGMA synchronous = {(durable ? "FULL" : "NORMAL")};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes a consistent copy of the security database at <paramref name="path"/> (accounts and
    /// the audit log) to <paramref name="destination"/>, a new owner-only file, while the node runs.
    /// </summary>
    public static void BackupTo(string path, string destination)
    {
        const string Doing = "writing a backup of the security database";
        using var connection = SqliteErrors.Guard(path, Doing, () =>
        {
            var reader = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            reader.Open();
            return reader;
        });
        SqliteBackups.VacuumInto(connection, path, destination, Doing);
    }

    /// <summary>
    /// Makes a database file readable by its owner only, whoever created it and with whatever
    /// umask (SQLite gives its -wal and -shm files the database's mode).
    /// </summary>
    public static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    // v1 → v2: the witness moved from the pull to a live stream, with sticky breaks. The last head
    // an earlier version recorded per child becomes the witnessed head; its latest break, which it
    // took as its new baseline without telling anyone, becomes an open break for an auditor to
    // acknowledge. One transaction, the version checked again inside it: another connection of the
    // node may be opening the same file.
    private static void MigrateToLiveWitness(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM meta WHERE key = 'version'";
        if (command.ExecuteScalar() as string != "1")
        {
            return;
        }
        command.CommandText = """
            INSERT OR IGNORE INTO audit_witness_head (child_id, seq, hash, witnessed_at)
              SELECT child_id, seq, hash, recorded_at FROM audit_witness w
              WHERE recorded_at = (SELECT max(recorded_at) FROM audit_witness WHERE child_id = w.child_id);
            INSERT INTO audit_witness_break (child_id, detected_at, kind, seq, problem, witnessed_seq, witnessed_hash, child_seq, child_hash)
              SELECT child_id, recorded_at, 'pull', seq, problem || ' (found at a pull by an earlier version of the node, which then took this head as its baseline)', seq, hash, seq, hash
              FROM audit_witness w
              WHERE consistent = 0 AND recorded_at = (SELECT max(recorded_at) FROM audit_witness WHERE child_id = w.child_id AND consistent = 0);
            UPDATE meta SET value = '2' WHERE key = 'version';
            """;
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // The audit table is append-only in the database itself, as sealed periods are: a tamperer has
    // to drop the triggers first, and the hash chain shows what they changed.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS accounts (
          id TEXT PRIMARY KEY, display_name TEXT NOT NULL, post TEXT NOT NULL, status TEXT NOT NULL,
          status_reason TEXT NOT NULL DEFAULT '', certificate_sha256 TEXT, token_sha256 TEXT UNIQUE,
          created_at TEXT NOT NULL, last_used_at TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS grants (
          account_id TEXT NOT NULL REFERENCES accounts (id), role TEXT NOT NULL, scope TEXT NOT NULL,
          granted_at TEXT NOT NULL, granted_by TEXT NOT NULL, PRIMARY KEY (account_id, role, scope)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS audit (
          seq INTEGER PRIMARY KEY, at TEXT NOT NULL, principal TEXT NOT NULL, on_behalf_of TEXT NOT NULL,
          method TEXT NOT NULL, subject TEXT NOT NULL, subject_key TEXT NOT NULL, outcome TEXT NOT NULL,
          node TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS audit_subject ON audit (subject_key);
        CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TABLE IF NOT EXISTS audit_witness (
          child_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, recorded_at TEXT NOT NULL,
          consistent INTEGER NOT NULL, problem TEXT NOT NULL DEFAULT '', PRIMARY KEY (child_id, seq, recorded_at)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS audit_witness_head (
          child_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL, witnessed_at TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS audit_witness_break (
          id INTEGER PRIMARY KEY, child_id TEXT NOT NULL, detected_at TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL,
          problem TEXT NOT NULL, witnessed_seq INTEGER NOT NULL, witnessed_hash TEXT NOT NULL, child_seq INTEGER NOT NULL,
          child_hash TEXT NOT NULL, acknowledged_at TEXT, acknowledged_by TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '');
        CREATE UNIQUE INDEX IF NOT EXISTS audit_witness_open_break ON audit_witness_break (child_id) WHERE acknowledged_at IS NULL;
        """;

    internal static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
