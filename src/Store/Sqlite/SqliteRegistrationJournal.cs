using Federation.Store.Registration;
using Federation.Store.Security;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>
/// The registration journal of a SQLite node: a file of its own beside the store
/// (<c>&lt;store&gt;.registration.db</c>), owner-only, WAL, synchronous=FULL (an application or an
/// exit acknowledged is on disk). The journal's rules are <see cref="RegistrationJournal"/>'s; this
/// gives the file and its schema. Writers of one file are serialised by SQLite's own lock.
/// </summary>
public sealed class SqliteRegistrationJournal : RegistrationJournal
{
    private SqliteRegistrationJournal(SqliteConnection connection, string path)
        : base(connection)
    {
        Where = path;
    }

    /// <summary>The journal's file.</summary>
    public override string Where { get; }

    /// <summary>The journal's path for a store at <paramref name="storePath"/>.</summary>
    public static string PathFor(string storePath) => Path.ChangeExtension(storePath, null) + ".registration.db";

    /// <summary>Opens (creating it if needed) the journal at <paramref name="path"/>.</summary>
    public static SqliteRegistrationJournal Open(string path)
    {
        var connection = OpenConnection(path);
        try
        {
            return new SqliteRegistrationJournal(connection, path);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The journal file's connection, its schema made (for a copy of every table into PostgreSQL).</summary>
    internal static SqliteConnection OpenConnection(string path)
    {
        var connection = SecurityDatabase.OpenFile(path, durable: true);
        try
        {
            SecurityDatabase.Execute(connection, Schema);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Writes a consistent copy to <paramref name="destination"/> (a new owner-only file) while the node runs.</summary>
    public static void BackupTo(string path, string destination) => SecurityDatabase.BackupTo(path, destination);

    // Application and registration rows are the latest state; the feed is append-only in the
    // database itself (a change sent up the tree is never rewritten). The same tables, columns and
    // order as PostgresRegistrationJournal's (a file is copied into PostgreSQL as it is).
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS applications (
          seq INTEGER PRIMARY KEY, application_id TEXT NOT NULL UNIQUE, citizen_id TEXT NOT NULL, name TEXT NOT NULL,
          place_type TEXT NOT NULL, place_division TEXT NOT NULL, category TEXT NOT NULL, platform_reference TEXT NOT NULL,
          received_on TEXT NOT NULL, city_division TEXT NOT NULL, decision_due TEXT NOT NULL, status TEXT NOT NULL,
          decided_on TEXT, refusal_reason TEXT NOT NULL, registration_id TEXT NOT NULL, contact_due TEXT, contacted_on TEXT);
        CREATE INDEX IF NOT EXISTS applications_citizen ON applications (citizen_id);
        CREATE INDEX IF NOT EXISTS applications_reference ON applications (platform_reference) WHERE platform_reference <> '';
        CREATE INDEX IF NOT EXISTS applications_city ON applications (city_division, status);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS registrations (
          origin TEXT NOT NULL, registration_id TEXT NOT NULL, citizen_id TEXT NOT NULL, category TEXT NOT NULL, register_date TEXT NOT NULL,
          cancel_date TEXT, cancel_reason TEXT NOT NULL, handling_division TEXT NOT NULL, sources TEXT NOT NULL,
          application_ids TEXT NOT NULL, PRIMARY KEY (origin, registration_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS registrations_citizen ON registrations (citizen_id);
        CREATE INDEX IF NOT EXISTS registrations_start ON registrations (register_date);
        CREATE TABLE IF NOT EXISTS aliases (
          origin TEXT NOT NULL, alias TEXT NOT NULL, registration_id TEXT NOT NULL, PRIMARY KEY (origin, alias)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS origins (origin TEXT PRIMARY KEY, child_id TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS feed (
          seq INTEGER PRIMARY KEY, origin TEXT NOT NULL, origin_epoch TEXT NOT NULL, origin_seq INTEGER NOT NULL, recorded_at TEXT NOT NULL,
          body BLOB NOT NULL, UNIQUE (origin, origin_epoch, origin_seq));
        CREATE TRIGGER IF NOT EXISTS feed_append_only_update BEFORE UPDATE ON feed
          BEGIN SELECT RAISE(ABORT, 'the change feed is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS feed_append_only_delete BEFORE DELETE ON feed
          BEGIN SELECT RAISE(ABORT, 'the change feed is append-only'); END;
        CREATE TABLE IF NOT EXISTS cursors (link TEXT PRIMARY KEY, value INTEGER NOT NULL, epoch TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS served (child_id TEXT NOT NULL, city_division TEXT NOT NULL, PRIMARY KEY (child_id, city_division)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS person_index (
          person_key BLOB PRIMARY KEY, city_division TEXT NOT NULL, seq INTEGER NOT NULL UNIQUE) WITHOUT ROWID;
        """;
}
