using System.Text;
using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>
/// The PostgreSQL schema, equivalent to SQLite's version 2 (<see cref="SqliteSchema"/>): staging
/// tables keyed by natural key, sealed tables partitioned by period, manifests — with the
/// immutability of R-4 enforced by triggers. Created in one transaction under an advisory lock;
/// a database of a newer version is refused untouched.
/// </summary>
internal static class PostgresSchema
{
    public static void Open(NpgsqlDataSource source)
    {
        using var connection = source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "SELECT pg_advisory_xact_lock(727400000)");
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS meta (key text COLLATE \"C\" PRIMARY KEY, value text NOT NULL)");
        using (var read = new NpgsqlCommand("SELECT value FROM meta WHERE key = 'schema_version'", connection, transaction))
        {
            if (read.ExecuteScalar() is string found && int.Parse(found, System.Globalization.CultureInfo.InvariantCulture) is var version && version != PostgresStore.SchemaVersion)
            {
                throw new StoreException(version > PostgresStore.SchemaVersion
                    ? $"The database has schema version {version}; this software reads version {PostgresStore.SchemaVersion} and never downgrades a store. Use the newer software."
                    : $"The database has schema version {version}; no migration leads from it to version {PostgresStore.SchemaVersion}.");
            }
        }
        Execute(connection, transaction, Create());
        Execute(connection, transaction, $"INSERT INTO meta (key, value) VALUES ('schema_version', '{PostgresStore.SchemaVersion}') ON CONFLICT (key) DO NOTHING");
        transaction.Commit();
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
        return sql.ToString();
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
