using System.Text;
using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>
/// The PostgreSQL schema, equivalent to SQLite's version 4 (<see cref="Federation.Store.Sqlite.SqliteSchema"/>): staging
/// tables keyed by natural key, sealed tables partitioned by period, manifests — with the
/// immutability of R-4 enforced by triggers. Created in one transaction under an advisory lock;
/// a database of a newer version is refused untouched.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Creates or checks the schema; the store's period digest algorithm (<see cref="PeriodDigests"/>).</summary>
    public static DigestAlgorithm Open(NpgsqlDataSource source, DigestAlgorithm? digestAlgorithm)
    {
        using var connection = source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "SELECT pg_advisory_xact_lock(727400000)");
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS meta (key text COLLATE \"C\" PRIMARY KEY, value text NOT NULL)");
        using (var read = new NpgsqlCommand("SELECT value FROM meta WHERE key = 'schema_version'", connection, transaction))
        {
            // Versions 2 → 3 → 4 → 5 only add tables (5: the registration journal's schema), which Create below makes; any other difference is refused.
            if (read.ExecuteScalar() is string found && int.Parse(found, System.Globalization.CultureInfo.InvariantCulture) is var version
                && version != PostgresStore.SchemaVersion && version != 2 && version != 3 && version != 4)
            {
                throw new StoreException(version > PostgresStore.SchemaVersion
                    ? $"The database has schema version {version}; this software reads version {PostgresStore.SchemaVersion} and never downgrades a store. Use the newer software."
                    : $"The database has schema version {version}; no migration leads from it to version {PostgresStore.SchemaVersion}.");
            }
        }
        Execute(connection, transaction, Create());
        Execute(connection, transaction, $"INSERT INTO meta (key, value) VALUES ('schema_version', '{PostgresStore.SchemaVersion}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
        var algorithm = PeriodDigests.Open(PostgresStore.Where(source.ConnectionString), digestAlgorithm, connection, transaction);
        transaction.Commit();
        return algorithm;
    }

    private static string Column(Dataset dataset, string column) =>
        column == "valid" ? "valid smallint NOT NULL CHECK (valid IN (0, 1))" : $"{column} text COLLATE \"C\" NOT NULL";

    private static string Create()
    {
        var sql = new StringBuilder();
        sql.AppendLine("""
            CREATE TABLE IF NOT EXISTS manifests (
              period text COLLATE "C" PRIMARY KEY, counts text NOT NULL, digest text NOT NULL, sealed_at text NOT NULL, sources text NOT NULL DEFAULT '[]');
            CREATE OR REPLACE FUNCTION federation_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'sealed period snapshots are immutable (R-4): % cannot be changed (%)', TG_TABLE_NAME, TG_OP; END $$;
            CREATE OR REPLACE FUNCTION federation_sealed_insert() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                IF EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period) THEN
                  RAISE EXCEPTION 'sealed period snapshots are immutable (R-4): the period % is already sealed', NEW.period;
                END IF;
                RETURN NEW;
              END $$;
            CREATE OR REPLACE TRIGGER manifests_immutable BEFORE UPDATE OR DELETE ON manifests FOR EACH ROW EXECUTE FUNCTION federation_immutable();
            CREATE OR REPLACE TRIGGER manifests_no_truncate BEFORE TRUNCATE ON manifests FOR EACH STATEMENT EXECUTE FUNCTION federation_immutable();
            """);
        foreach (var dataset in Dataset.All)
        {
            var columns = string.Join(", ", dataset.Columns.Select(c => Column(dataset, c)));
            var name = dataset.Name;
            sql.AppendLine($"""
                CREATE TABLE IF NOT EXISTS s_{name} ({columns}, PRIMARY KEY ({dataset.KeyColumn}));
                CREATE TABLE IF NOT EXISTS p_{name} (period text COLLATE "C" NOT NULL, origin text COLLATE "C" NOT NULL, {columns},
                  PRIMARY KEY (period, origin, {dataset.KeyColumn})) PARTITION BY LIST (period);
                CREATE OR REPLACE TRIGGER p_{name}_immutable BEFORE UPDATE OR DELETE ON p_{name} FOR EACH ROW EXECUTE FUNCTION federation_immutable();
                CREATE OR REPLACE TRIGGER p_{name}_sealed_insert BEFORE INSERT ON p_{name} FOR EACH ROW EXECUTE FUNCTION federation_sealed_insert();
                """);
            if (dataset.CitizenColumn >= 0)
            {
                if (dataset != Dataset.Persons)
                {
                    sql.AppendLine($"CREATE INDEX IF NOT EXISTS s_{name}_citizen ON s_{name} (citizen_id);");
                }
                sql.AppendLine($"CREATE INDEX IF NOT EXISTS p_{name}_citizen ON p_{name} (period, citizen_id);");
            }
        }
        sql.AppendLine("CREATE INDEX IF NOT EXISTS p_certificates_number ON p_certificates (period, certificate_number);");
        // A parent's copies of its children's snapshots (c_), partitioned by child: replacing or
        // pruning one province's data is a partition operation, not a scan. Rows of a transfer in
        // progress may be deleted (a failed verification); once its manifest row exists they can
        // be neither changed, deleted nor added to.
        sql.AppendLine("""
            CREATE TABLE IF NOT EXISTS transfers (
              child_id text COLLATE "C" NOT NULL, period text COLLATE "C" NOT NULL, digest text NOT NULL, dataset text NOT NULL,
              after_origin text COLLATE "C" NOT NULL, after_key text COLLATE "C" NOT NULL, records bigint NOT NULL, updated_at text NOT NULL,
              PRIMARY KEY (child_id, period));
            CREATE TABLE IF NOT EXISTS child_manifests (
              child_id text COLLATE "C" NOT NULL, period text COLLATE "C" NOT NULL, counts text NOT NULL, digest text NOT NULL, sealed_at text NOT NULL,
              received_at text NOT NULL, origins text NOT NULL DEFAULT '[]', PRIMARY KEY (child_id, period));
            CREATE OR REPLACE TRIGGER child_manifests_immutable BEFORE UPDATE OR DELETE ON child_manifests FOR EACH ROW EXECUTE FUNCTION federation_immutable();
            CREATE OR REPLACE FUNCTION federation_received_change() RETURNS trigger LANGUAGE plpgsql AS $$
              DECLARE r record;
              BEGIN
                IF TG_OP = 'UPDATE' THEN
                  RAISE EXCEPTION 'sealed period snapshots are immutable (R-4): % cannot be changed (%)', TG_TABLE_NAME, TG_OP;
                END IF;
                IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
                IF EXISTS (SELECT 1 FROM child_manifests m WHERE m.child_id = r.child_id AND m.period = r.period) THEN
                  RAISE EXCEPTION 'sealed period snapshots are immutable (R-4): the snapshot of % for % is already committed', r.child_id, r.period;
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
              END $$;
            CREATE TABLE IF NOT EXISTS child_links (
              child_id text COLLATE "C" PRIMARY KEY, last_attempt_at text NOT NULL, last_success_at text NOT NULL DEFAULT '',
              period text NOT NULL DEFAULT '', digest text NOT NULL DEFAULT '', records bigint NOT NULL DEFAULT 0, bytes bigint NOT NULL DEFAULT 0,
              last_error text NOT NULL DEFAULT '', last_error_at text NOT NULL DEFAULT '');
            CREATE TABLE IF NOT EXISTS findings (
              period text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, subject text COLLATE "C" NOT NULL, origins text NOT NULL, detail text NOT NULL,
              PRIMARY KEY (period, kind, subject));
            CREATE OR REPLACE TRIGGER findings_immutable BEFORE UPDATE OR DELETE ON findings FOR EACH ROW EXECUTE FUNCTION federation_immutable();
            CREATE OR REPLACE TRIGGER findings_sealed_insert BEFORE INSERT ON findings FOR EACH ROW EXECUTE FUNCTION federation_sealed_insert();
            CREATE TABLE IF NOT EXISTS signed_periods (
              node_id text COLLATE "C" NOT NULL, period text COLLATE "C" NOT NULL, statement bytea NOT NULL, signature bytea NOT NULL, certificate bytea NOT NULL,
              received_from text NOT NULL, recorded_at text NOT NULL, PRIMARY KEY (node_id, period));
            CREATE OR REPLACE TRIGGER signed_periods_immutable BEFORE UPDATE OR DELETE ON signed_periods FOR EACH ROW EXECUTE FUNCTION federation_immutable();
            CREATE OR REPLACE TRIGGER signed_periods_no_truncate BEFORE TRUNCATE ON signed_periods FOR EACH STATEMENT EXECUTE FUNCTION federation_immutable();
            """);
        foreach (var dataset in Dataset.All)
        {
            var columns = string.Join(", ", dataset.Columns.Select(c => Column(dataset, c)));
            sql.AppendLine($"""
                CREATE TABLE IF NOT EXISTS c_{dataset.Name} (child_id text COLLATE "C" NOT NULL, period text COLLATE "C" NOT NULL, origin text COLLATE "C" NOT NULL, {columns},
                  PRIMARY KEY (child_id, period, origin, {dataset.KeyColumn})) PARTITION BY LIST (child_id);
                CREATE OR REPLACE TRIGGER c_{dataset.Name}_received BEFORE INSERT OR UPDATE OR DELETE ON c_{dataset.Name} FOR EACH ROW EXECUTE FUNCTION federation_received_change();
                """);
        }
        // Version 5: the registration journal (PostgresRegistrationJournal), its own schema in the same database.
        sql.AppendLine(PostgresRegistrationJournal.Schema);
        return sql.ToString();
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
