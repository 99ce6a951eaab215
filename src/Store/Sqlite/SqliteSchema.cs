using System.Text;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>
/// The database schema: per dataset a staging table <c>s_&lt;name&gt;</c> (keyed by natural key)
/// and a sealed-snapshot table <c>p_&lt;name&gt;</c> (keyed by period and natural key); a
/// <c>manifests</c> table. Sealed rows carry their <c>origin</c>, the node whose staging they came
/// from: a parent's merged period holds its children's rows side by side. Triggers make sealed data immutable: rows of a sealed period, and
/// manifests, can be neither updated nor deleted, and no row can be added to a period once its
/// manifest exists. The store enforces this itself, whatever code runs against it.
/// </summary>
internal static class SqliteSchema
{
    // 2: sealed and received rows carry their origin (the node whose staging they came from), so
    // a parent's merged period can hold the same natural key from two children; manifests list
    // the children's snapshots a merged period was sealed from; findings (比对).
    // 3: enterprise employment monitoring (enterprises, enterprise_reports).
    public const int Version = 4;

    private static string Columns(Dataset dataset) =>
        string.Join(", ", dataset.Columns.Select(c => c == "valid" ? "valid INTEGER NOT NULL" : $"{c} TEXT NOT NULL"));

    /// <summary>The sealed-snapshot table of a dataset (p_), as version <see cref="Version"/> has it.</summary>
    internal static string SealedTable(Dataset dataset) =>
        $"CREATE TABLE IF NOT EXISTS p_{dataset.Name} (period TEXT NOT NULL, origin TEXT NOT NULL, {Columns(dataset)}, PRIMARY KEY (period, origin, {dataset.KeyColumn})) WITHOUT ROWID;";

    /// <summary>The received-snapshot table of a dataset (c_).</summary>
    internal static string ReceivedTable(Dataset dataset) =>
        $"CREATE TABLE IF NOT EXISTS c_{dataset.Name} (child_id TEXT NOT NULL, period TEXT NOT NULL, origin TEXT NOT NULL, {Columns(dataset)}, PRIMARY KEY (child_id, period, origin, {dataset.KeyColumn})) WITHOUT ROWID;";

    internal const string ChildManifestsTable = """
        CREATE TABLE IF NOT EXISTS child_manifests (
          child_id TEXT NOT NULL, period TEXT NOT NULL, counts TEXT NOT NULL, digest TEXT NOT NULL, sealed_at TEXT NOT NULL,
          received_at TEXT NOT NULL, origins TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (child_id, period)) WITHOUT ROWID;
        """;

    /// <summary>
    /// Opens the schema: a new database gets the current one; an older one is migrated forward
    /// (<see cref="SqliteMigrations"/>: each step in its own transaction, after a copy of the
    /// database is written beside it); a newer one is refused untouched. Returns the migrations
    /// applied (empty when none).
    /// </summary>
    public static IReadOnlyList<string> Open(SqliteConnection connection, string path, string ownerId)
    {
        var version = ReadVersion(connection);
        IReadOnlyList<string> applied = [];
        if (version > Version)
        {
            throw new StoreException($"The database has schema version {version}; this software reads version {Version} and never downgrades a store. Use the newer software (or restore a backup made by this version).");
        }
        if (version is { } found && found < Version)
        {
            applied = SqliteMigrations.Apply(connection, path, found, ownerId);
        }
        Create(connection);
        return applied;
    }

    private static int? ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }
        command.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        return command.ExecuteScalar() is string value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static void Create(SqliteConnection connection)
    {
        var sql = new StringBuilder();
        sql.AppendLine("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;");
        sql.AppendLine("""
            CREATE TABLE IF NOT EXISTS manifests (
              period TEXT PRIMARY KEY, counts TEXT NOT NULL, digest TEXT NOT NULL, sealed_at TEXT NOT NULL, sources TEXT NOT NULL DEFAULT '[]') WITHOUT ROWID;
            CREATE TRIGGER IF NOT EXISTS manifests_immutable_update BEFORE UPDATE ON manifests
              BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): manifests cannot be changed'); END;
            CREATE TRIGGER IF NOT EXISTS manifests_immutable_delete BEFORE DELETE ON manifests
              BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): manifests cannot be deleted'); END;
            """);
        foreach (var dataset in Dataset.All)
        {
            sql.AppendLine($"CREATE TABLE IF NOT EXISTS s_{dataset.Name} ({Columns(dataset)}, PRIMARY KEY ({dataset.KeyColumn})) WITHOUT ROWID;");
            sql.AppendLine(SealedTable(dataset));
            if (dataset.CitizenColumn >= 0)
            {
                if (dataset != Dataset.Persons)
                {
                    sql.AppendLine($"CREATE INDEX IF NOT EXISTS s_{dataset.Name}_citizen ON s_{dataset.Name} (citizen_id);");
                }
                sql.AppendLine($"CREATE INDEX IF NOT EXISTS p_{dataset.Name}_citizen ON p_{dataset.Name} (period, citizen_id);");
            }
            sql.AppendLine($"""
                CREATE TRIGGER IF NOT EXISTS p_{dataset.Name}_immutable_update BEFORE UPDATE ON p_{dataset.Name}
                  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): {dataset.Name} cannot be changed'); END;
                CREATE TRIGGER IF NOT EXISTS p_{dataset.Name}_immutable_delete BEFORE DELETE ON p_{dataset.Name}
                  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): {dataset.Name} cannot be deleted'); END;
                CREATE TRIGGER IF NOT EXISTS p_{dataset.Name}_sealed_insert BEFORE INSERT ON p_{dataset.Name}
                  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
                  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
                """);
        }
        // A parent's copies of its children's sealed snapshots (c_). Rows of a transfer in progress
        // land here batch by batch (resumable, durable); once the received snapshot is verified
        // its manifest row is written and from then on its rows can be neither changed, deleted
        // nor added to. Before that, a failed verification deletes them.
        sql.AppendLine(ChildManifestsTable);
        sql.AppendLine("""
            CREATE TABLE IF NOT EXISTS transfers (
              child_id TEXT NOT NULL, period TEXT NOT NULL, digest TEXT NOT NULL, dataset TEXT NOT NULL, after_origin TEXT NOT NULL, after_key TEXT NOT NULL,
              records INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (child_id, period)) WITHOUT ROWID;
            CREATE TRIGGER IF NOT EXISTS child_manifests_immutable_update BEFORE UPDATE ON child_manifests
              BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): a received manifest cannot be changed'); END;
            CREATE TRIGGER IF NOT EXISTS child_manifests_immutable_delete BEFORE DELETE ON child_manifests
              BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): a received manifest cannot be deleted'); END;
            """);
        foreach (var dataset in Dataset.All)
        {
            sql.AppendLine(ReceivedTable(dataset));
            // No secondary index: received rows are written in key order at pull speed; look-ups
            // by person or certificate use the merged period's indexes (p_).
            if (dataset == Dataset.Certificates)
            {
                sql.AppendLine("CREATE INDEX IF NOT EXISTS p_certificates_number ON p_certificates (period, certificate_number);");
            }
            sql.AppendLine($"""
                CREATE TRIGGER IF NOT EXISTS c_{dataset.Name}_immutable_update BEFORE UPDATE ON c_{dataset.Name}
                  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): {dataset.Name} cannot be changed'); END;
                CREATE TRIGGER IF NOT EXISTS c_{dataset.Name}_immutable_delete BEFORE DELETE ON c_{dataset.Name}
                  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
                  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): {dataset.Name} cannot be deleted'); END;
                CREATE TRIGGER IF NOT EXISTS c_{dataset.Name}_received_insert BEFORE INSERT ON c_{dataset.Name}
                  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
                  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
                """);
        }
        // What a parent knows of each child link: the last successful pull and the last error.
        // Mutable by design: it is the link's state, not sealed data.
        sql.AppendLine("""
            CREATE TABLE IF NOT EXISTS child_links (
              child_id TEXT PRIMARY KEY, last_attempt_at TEXT NOT NULL, last_success_at TEXT NOT NULL DEFAULT '',
              period TEXT NOT NULL DEFAULT '', digest TEXT NOT NULL DEFAULT '', records INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
              last_error TEXT NOT NULL DEFAULT '', last_error_at TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
            """);
        // Cross-child comparison (比对) findings of a merged period: written with the period's seal,
        // immutable like it.
        sql.AppendLine("""
            CREATE TABLE IF NOT EXISTS findings (
              period TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, origins TEXT NOT NULL, detail TEXT NOT NULL,
              PRIMARY KEY (period, kind, subject)) WITHOUT ROWID;
            CREATE TRIGGER IF NOT EXISTS findings_immutable_update BEFORE UPDATE ON findings
              BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): findings cannot be changed'); END;
            CREATE TRIGGER IF NOT EXISTS findings_immutable_delete BEFORE DELETE ON findings
              BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): findings cannot be deleted'); END;
            CREATE TRIGGER IF NOT EXISTS findings_sealed_insert BEFORE INSERT ON findings
              WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
              BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
            """);
        // Signed period manifests (version 4): this node's own (received_from ''), written with the
        // seal, and at a parent its children's and those they passed up. One per node and period,
        // never changed or deleted: a node cannot replace or deny a period it signed.
        sql.AppendLine("""
            CREATE TABLE IF NOT EXISTS signed_periods (
              node_id TEXT NOT NULL, period TEXT NOT NULL, statement BLOB NOT NULL, signature BLOB NOT NULL, certificate BLOB NOT NULL,
              received_from TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (node_id, period)) WITHOUT ROWID;
            CREATE TRIGGER IF NOT EXISTS signed_periods_immutable_update BEFORE UPDATE ON signed_periods
              BEGIN SELECT RAISE(ABORT, 'signed periods are immutable: a signed manifest cannot be changed'); END;
            CREATE TRIGGER IF NOT EXISTS signed_periods_immutable_delete BEFORE DELETE ON signed_periods
              BEGIN SELECT RAISE(ABORT, 'signed periods are immutable: a signed manifest cannot be deleted'); END;
            """);
        sql.AppendLine($"INSERT INTO meta (key, value) VALUES ('schema_version', '{Version}') ON CONFLICT(key) DO NOTHING;");
        using var command = connection.CreateCommand();
        command.CommandText = sql.ToString();
        command.ExecuteNonQuery();

        // A new database is stamped with the current version; a migrated one already says it.
        using var check = connection.CreateCommand();
        check.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        var version = Convert.ToInt32(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version != Version)
        {
            throw new StoreException($"The database has schema version {version} after opening; this software reads version {Version}.");
        }
    }
}
