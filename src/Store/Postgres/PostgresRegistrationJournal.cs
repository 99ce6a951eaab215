using System.Data.Common;
using Federation.Store.Registration;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Federation.Store.Postgres;

/// <summary>
/// The registration journal of a PostgreSQL node: the <c>registration</c> schema of the node's own
/// database (made with the store's schema, version 5), so a ministry on PostgreSQL keeps the national
/// registration state where it keeps everything else, backed up and replicated with it. The rules are
/// <see cref="RegistrationJournal"/>'s; this gives the connection (search path <c>registration</c>),
/// the schema, and an advisory lock at the start of every write transaction so that two processes on
/// one database (the daemon and a command) take turns as SQLite's file lock makes them. A journal
/// file the node kept before (<c>&lt;store&gt;.registration.db</c>) is copied in once by
/// <see cref="MigrateFile"/>.
/// </summary>
public sealed class PostgresRegistrationJournal : RegistrationJournal
{
    // The store's schema lock (PostgresSchema) for the DDL; the journal's own for its writers.
    private const long SchemaLock = 727400000;
    private const long WriteLock = 727400001;

    private PostgresRegistrationJournal(NpgsqlConnection connection, string where)
        : base(connection)
    {
        Where = where;
    }

    /// <summary>The database (server, port, name; never the password).</summary>
    public override string Where { get; }

    /// <summary>Opens the journal in the database of <paramref name="connectionString"/>, making its schema if it is not there.</summary>
    public static PostgresRegistrationJournal Open(string connectionString)
    {
        var connection = Connect(connectionString);
        try
        {
            return new PostgresRegistrationJournal(connection, PostgresStore.Where(connectionString));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override void Began(DbTransaction transaction) => Run((NpgsqlConnection)transaction.Connection!, (NpgsqlTransaction)transaction, $"SELECT pg_advisory_xact_lock({WriteLock})");

    /// <summary>
    /// Copies the SQLite journal <paramref name="file"/> into the database of
    /// <paramref name="connectionString"/> once, then renames the file aside (<c>.migrated</c>):
    /// every table as it is, in one transaction under the journal's write lock, checked before the
    /// commit (rows per table, the feed's last sequence number, the epoch). Returns null when there is
    /// no file. Idempotent: a journal the database already holds (the same epoch and rows: a copy
    /// committed whose rename did not happen) is not copied again, only renamed. Refused, the database
    /// untouched, when the file cannot be read or the database holds another journal: a
    /// <see cref="StoreException"/> naming the file.
    /// </summary>
    public static RegistrationJournalMigration? MigrateFile(string connectionString, string file)
    {
        if (!File.Exists(file))
        {
            return null;
        }
        var where = PostgresStore.Where(connectionString);
        try
        {
            return Migrate(connectionString, file, where);
        }
        catch (Exception ex) when (ex is not StoreException && ex is SqliteException or NpgsqlException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new StoreException($"The registration journal {file} could not be copied into PostgreSQL ({where}): {ex.Message}. " +
                "Nothing was copied; the node does not start until the file is readable or moved away (docs/operations.md, \"The registration journal\").", ex);
        }
    }

    private static RegistrationJournalMigration Migrate(string connectionString, string file, string where)
    {
        var rows = ReadFile(file);
        var epoch = rows["meta"].Rows.Where(r => (string)r[0] == "epoch").Select(r => (string)r[1]).SingleOrDefault()
            ?? throw new StoreException($"The registration journal {file} has no epoch: it is not a journal, or damaged. Nothing was copied into PostgreSQL ({where}); the node does not start until it is moved away.");
        var counts = rows.ToDictionary(t => t.Key, t => (long)t.Value.Rows.Count, StringComparer.Ordinal);
        var feedHead = rows["feed"].Rows.Select(r => (long)r[Array.IndexOf(rows["feed"].Columns, "seq")]).DefaultIfEmpty(0).Max();

        using var connection = Connect(connectionString);
        bool alreadyCopied;
        using (var transaction = connection.BeginTransaction())
        {
            Run(connection, transaction, $"SELECT pg_advisory_xact_lock({WriteLock})");
            var (heldEpoch, heldCounts, heldHead) = Census(connection, transaction);
            alreadyCopied = heldEpoch == epoch && heldHead == feedHead && heldCounts.All(c => counts[c.Key] == c.Value);
            if (!alreadyCopied)
            {
                if (heldEpoch is not null || heldCounts.Values.Any(c => c > 0))
                {
                    throw new StoreException($"PostgreSQL ({where}) already holds a registration journal (epoch {heldEpoch ?? "none"}, feed at {heldHead}) " +
                        $"and {file} holds another (epoch {epoch}, feed at {feedHead}): two journals are not merged. Nothing was copied; move one of them away " +
                        "(docs/operations.md, \"The registration journal\").");
                }
                foreach (var (table, (columns, tableRows)) in rows)
                {
                    Copy(connection, table, columns, tableRows);
                }
                var (copiedEpoch, copiedCounts, copiedHead) = Census(connection, transaction);
                if (copiedEpoch != epoch || copiedHead != feedHead || copiedCounts.Any(c => counts[c.Key] != c.Value))
                {
                    throw new StoreException($"Copying the registration journal {file} into PostgreSQL ({where}) did not check: " +
                        string.Join(", ", copiedCounts.Select(c => $"{c.Key} {c.Value} of {counts[c.Key]}")) + $", feed at {copiedHead} of {feedHead}. Nothing was copied.");
                }
                transaction.Commit();
            }
        }
        var movedTo = MoveAside(file);
        return new RegistrationJournalMigration(file, movedTo, where, epoch, counts, feedHead, alreadyCopied);
    }

    // The journal's tables in the order a copy fills them; columns in each backend's schema order.
    private static readonly string[] Tables = ["meta", "applications", "registrations", "aliases", "origins", "feed", "cursors", "served", "person_index"];

    private static Dictionary<string, (string[] Columns, List<object[]> Rows)> ReadFile(string file)
    {
        // The journal's own opening (its schema made if an older file lacks a table), then every row as SQLite stores it.
        using var journal = Sqlite.SqliteRegistrationJournal.OpenConnection(file);
        var result = new Dictionary<string, (string[], List<object[]>)>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            using var command = journal.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            using var reader = command.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            var tableRows = new List<object[]>();
            while (reader.Read())
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                tableRows.Add(row);
            }
            result[table] = (columns, tableRows);
        }
        return result;
    }

    private static void Copy(NpgsqlConnection connection, string table, string[] columns, List<object[]> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        using var importer = connection.BeginBinaryImport($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            importer.StartRow();
            foreach (var value in row)
            {
                switch (value)
                {
                    case DBNull:
                        importer.WriteNull();
                        break;
                    case long number:
                        importer.Write(number, NpgsqlDbType.Bigint);
                        break;
                    case string text:
                        importer.Write(text, NpgsqlDbType.Text);
                        break;
                    case byte[] bytes:
                        importer.Write(bytes, NpgsqlDbType.Bytea);
                        break;
                    default:
                        throw new StoreException($"the registration journal's {table} holds a {value.GetType().Name}, which no column of the journal is");
                }
            }
        }
        importer.Complete();
    }

    // The epoch, the rows of every table, and the feed's last sequence number the database holds.
    private static (string? Epoch, Dictionary<string, long> Counts, long FeedHead) Census(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection, transaction);
            counts[table] = (long)count.ExecuteScalar()!;
        }
        using var epoch = new NpgsqlCommand("SELECT value FROM meta WHERE key = 'epoch'", connection, transaction);
        using var head = new NpgsqlCommand("SELECT COALESCE(MAX(seq), 0) FROM feed", connection, transaction);
        return (epoch.ExecuteScalar() as string, counts, (long)head.ExecuteScalar()!);
    }

    // The file and any SQLite leftovers beside it, renamed; a name already taken gets the time.
    private static string MoveAside(string file)
    {
        var target = file + ".migrated";
        if (File.Exists(target))
        {
            target = $"{file}.migrated-{DateTime.UtcNow:yyyyMMddHHmmss}";
        }
        File.Move(file, target);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(file + suffix))
            {
                File.Move(file + suffix, target + suffix, overwrite: true);
            }
        }
        return target;
    }

    private static NpgsqlConnection Connect(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "registration" }.ConnectionString);
        connection.Open();
        try
        {
            using var transaction = connection.BeginTransaction();
            Run(connection, transaction, $"SELECT pg_advisory_xact_lock({SchemaLock})");
            Run(connection, transaction, Schema);
            transaction.Commit();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Run(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The journal's schema, part of the store's (<see cref="PostgresSchema"/>, version 5): the
    /// tables and columns of SQLite's journal in the same order, text in byte order (COLLATE "C",
    /// as SQLite compares), the feed append-only by trigger.
    /// </summary>
    internal const string Schema = """
        CREATE SCHEMA IF NOT EXISTS registration;
        CREATE TABLE IF NOT EXISTS registration.meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
        CREATE TABLE IF NOT EXISTS registration.applications (
          seq bigint PRIMARY KEY, application_id text COLLATE "C" NOT NULL UNIQUE, citizen_id text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL,
          place_type text COLLATE "C" NOT NULL, place_division text COLLATE "C" NOT NULL, category text COLLATE "C" NOT NULL, platform_reference text COLLATE "C" NOT NULL,
          received_on text COLLATE "C" NOT NULL, city_division text COLLATE "C" NOT NULL, decision_due text COLLATE "C" NOT NULL, status text COLLATE "C" NOT NULL,
          decided_on text COLLATE "C", refusal_reason text COLLATE "C" NOT NULL, registration_id text COLLATE "C" NOT NULL, contact_due text COLLATE "C", contacted_on text COLLATE "C");
        CREATE INDEX IF NOT EXISTS applications_citizen ON registration.applications (citizen_id);
        CREATE INDEX IF NOT EXISTS applications_reference ON registration.applications (platform_reference) WHERE platform_reference <> '';
        CREATE INDEX IF NOT EXISTS applications_city ON registration.applications (city_division, status);
        CREATE TABLE IF NOT EXISTS registration.registrations (
          origin text COLLATE "C" NOT NULL, registration_id text COLLATE "C" NOT NULL, citizen_id text COLLATE "C" NOT NULL, category text COLLATE "C" NOT NULL,
          register_date text COLLATE "C" NOT NULL, cancel_date text COLLATE "C", cancel_reason text COLLATE "C" NOT NULL, handling_division text COLLATE "C" NOT NULL,
          sources text COLLATE "C" NOT NULL, application_ids text COLLATE "C" NOT NULL, PRIMARY KEY (origin, registration_id));
        CREATE INDEX IF NOT EXISTS registrations_citizen ON registration.registrations (citizen_id);
        CREATE INDEX IF NOT EXISTS registrations_start ON registration.registrations (register_date);
        CREATE TABLE IF NOT EXISTS registration.aliases (
          origin text COLLATE "C" NOT NULL, alias text COLLATE "C" NOT NULL, registration_id text COLLATE "C" NOT NULL, PRIMARY KEY (origin, alias));
        CREATE TABLE IF NOT EXISTS registration.origins (origin text COLLATE "C" PRIMARY KEY, child_id text COLLATE "C" NOT NULL);
        CREATE TABLE IF NOT EXISTS registration.feed (
          seq bigint PRIMARY KEY, origin text COLLATE "C" NOT NULL, origin_epoch text COLLATE "C" NOT NULL, origin_seq bigint NOT NULL,
          recorded_at text COLLATE "C" NOT NULL, body bytea NOT NULL, UNIQUE (origin, origin_epoch, origin_seq));
        CREATE OR REPLACE FUNCTION registration.feed_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'the change feed is append-only (%)', TG_OP; END $$;
        CREATE OR REPLACE TRIGGER feed_append_only BEFORE UPDATE OR DELETE ON registration.feed FOR EACH ROW EXECUTE FUNCTION registration.feed_append_only();
        CREATE OR REPLACE TRIGGER feed_no_truncate BEFORE TRUNCATE ON registration.feed FOR EACH STATEMENT EXECUTE FUNCTION registration.feed_append_only();
        CREATE TABLE IF NOT EXISTS registration.cursors (link text COLLATE "C" PRIMARY KEY, value bigint NOT NULL, epoch text COLLATE "C" NOT NULL);
        CREATE TABLE IF NOT EXISTS registration.served (
          child_id text COLLATE "C" NOT NULL, city_division text COLLATE "C" NOT NULL, PRIMARY KEY (child_id, city_division));
        CREATE TABLE IF NOT EXISTS registration.person_index (
          person_key bytea PRIMARY KEY, city_division text COLLATE "C" NOT NULL, seq bigint NOT NULL UNIQUE);
        """;
}
