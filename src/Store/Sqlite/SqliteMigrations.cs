using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>
/// Forward-only schema migrations, applied when a store of an older version is opened. Before
/// the first step the database is copied beside itself (<c>&lt;store&gt;.before-v&lt;N&gt;.db</c>, a
/// consistent <c>VACUUM INTO</c> copy) so that an upgrade can always be undone by restoring it;
/// then each step runs in its own transaction and stamps its version, so a crash leaves the store
/// at the last completed version and the next start goes on from there. A newer store is never
/// touched (<see cref="SqliteSchema.Open"/> refuses it).
/// </summary>
internal static class SqliteMigrations
{
    private sealed record Migration(int Version, string Description, Action<SqliteConnection, string> Apply);

    private static readonly Migration[] All =
    [
        new(2, "sealed and received rows carry their origin; manifests list their sources; findings", V1ToV2),
        // The tables themselves are created by the schema's Create, which runs after the migrations.
        new(3, "enterprise employment monitoring: sample entries and monthly reports (tables created at open)", (_, _) => { }),
        // Periods sealed before version 4 stay unsigned: nothing can sign them truthfully after the
        // fact without the key that sealed them, and their digests already reached the parent.
        new(4, "signed periods: a signed manifest per sealed period (table created at open; periods sealed before stay unsigned)", (_, _) => { }),
    ];

    public static IReadOnlyList<string> Apply(SqliteConnection connection, string path, int from, string ownerId)
    {
        var steps = All.Where(m => m.Version > from).OrderBy(m => m.Version).ToList();
        if (steps.Count == 0 || steps[0].Version != from + 1)
        {
            throw new StoreException($"The database has schema version {from}; no migration leads from it to version {SqliteSchema.Version}.");
        }
        var copy = $"{path}.before-v{steps[^1].Version}.db";
        if (!File.Exists(copy))
        {
            using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $copy";
            vacuum.Parameters.AddWithValue("$copy", copy);
            vacuum.ExecuteNonQuery();
            Security.SecurityDatabase.OwnerOnly(copy);
        }
        var applied = new List<string>();
        foreach (var step in steps)
        {
            Run(connection, "BEGIN IMMEDIATE");
            try
            {
                step.Apply(connection, ownerId);
                Run(connection, $"UPDATE meta SET value = '{step.Version}' WHERE key = 'schema_version'");
                Run(connection, "COMMIT");
            }
            catch
            {
                Run(connection, "ROLLBACK");
                throw;
            }
            applied.Add($"schema v{step.Version - 1} → v{step.Version}: {step.Description} (a copy of the store before it: {copy})");
        }
        return applied;
    }

    /// <summary>
    /// Version 1 → 2. Sealed rows (p_) get this node's id as their origin and received rows (c_)
    /// their child's id — in version 1 each held exactly that. The digest's record lines now start
    /// with the origin, so every sealed and received period is first checked against its version-1
    /// digest (a damaged store is refused, not migrated), then its manifest gets the digest of the
    /// same records in the version-2 form; the version-1 digest is kept in <c>meta</c>
    /// (<c>v1_digest:&lt;period&gt;</c>, <c>v1_digest:&lt;child&gt;:&lt;period&gt;</c>), and a child
    /// link whose last pull was that period gets the new digest too. Transfers in
    /// progress are dropped (the next pull starts them over).
    /// </summary>
    private static void V1ToV2(SqliteConnection connection, string ownerId)
    {
        var sealedDigests = ReadDigests(connection, "SELECT '', period, digest FROM manifests");
        var receivedDigests = ReadDigests(connection, "SELECT child_id, period, digest FROM child_manifests");
        foreach (var (child, period, digest) in sealedDigests)
        {
            CheckV1Digest(connection, "p", "", period, digest);
        }
        foreach (var (child, period, digest) in receivedDigests)
        {
            CheckV1Digest(connection, "c", child, period, digest);
        }

        // Immutability triggers stand in the way of rebuilding; the schema's Create restores them.
        foreach (var trigger in Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        {
            Run(connection, $"DROP TRIGGER \"{trigger}\"");
        }
        // Unfinished transfers: their rows have no manifest and no origin; the next pull redoes them.
        foreach (var dataset in Dataset.UpTo(2))
        {
            Run(connection, $"DELETE FROM c_{dataset.Name} WHERE NOT EXISTS (SELECT 1 FROM child_manifests m WHERE m.child_id = c_{dataset.Name}.child_id AND m.period = c_{dataset.Name}.period)");
        }
        Run(connection, "DROP TABLE transfers");
        foreach (var dataset in Dataset.UpTo(2))
        {
            var columns = string.Join(", ", dataset.Columns);
            Run(connection, $"ALTER TABLE p_{dataset.Name} RENAME TO p_{dataset.Name}_v1");
            Run(connection, SqliteSchema.SealedTable(dataset));
            Run(connection, $"INSERT INTO p_{dataset.Name} (period, origin, {columns}) SELECT period, $owner, {columns} FROM p_{dataset.Name}_v1", ("$owner", ownerId));
            Run(connection, $"DROP TABLE p_{dataset.Name}_v1");
            Run(connection, $"ALTER TABLE c_{dataset.Name} RENAME TO c_{dataset.Name}_v1");
            Run(connection, SqliteSchema.ReceivedTable(dataset));
            Run(connection, $"INSERT INTO c_{dataset.Name} (child_id, period, origin, {columns}) SELECT child_id, period, child_id, {columns} FROM c_{dataset.Name}_v1");
            Run(connection, $"DROP TABLE c_{dataset.Name}_v1");
        }
        Run(connection, "ALTER TABLE manifests ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'");
        Run(connection, "ALTER TABLE child_manifests RENAME TO child_manifests_v1");
        Run(connection, SqliteSchema.ChildManifestsTable);
        Run(connection, "INSERT INTO child_manifests (child_id, period, counts, digest, sealed_at, received_at, origins) " +
            "SELECT child_id, period, counts, digest, sealed_at, received_at, json_array(child_id) FROM child_manifests_v1");
        Run(connection, "DROP TABLE child_manifests_v1");

        foreach (var (_, period, digest) in sealedDigests)
        {
            Run(connection, "INSERT INTO meta (key, value) VALUES ($key, $digest)", ("$key", $"v1_digest:{period}"), ("$digest", digest));
            Run(connection, "UPDATE manifests SET digest = $digest WHERE period = $period",
                ("$digest", SqliteStore.ComputeDigest(connection, DigestAlgorithm.Sha256, period, Dataset.UpTo(2))), ("$period", period));
        }
        foreach (var (child, period, digest) in receivedDigests)
        {
            Run(connection, "INSERT INTO meta (key, value) VALUES ($key, $digest)", ("$key", $"v1_digest:{child}:{period}"), ("$digest", digest));
            var migrated = SqliteStore.ComputeReceivedDigest(connection, DigestAlgorithm.Sha256, child, period, Dataset.UpTo(2));
            Run(connection, "UPDATE child_manifests SET digest = $digest WHERE child_id = $child AND period = $period",
                ("$digest", migrated), ("$child", child), ("$period", period));
            // The link's last pull names the same snapshot: it shows the migrated digest at once,
            // not the version-1 one until the next pull (issue 22).
            Run(connection, "UPDATE child_links SET digest = $digest WHERE child_id = $child AND period = $period AND digest = $old",
                ("$digest", migrated), ("$child", child), ("$period", period), ("$old", digest));
        }
    }

    // The version-1 digest: per dataset "#name\n", then each record ordered by natural key as its
    // values joined by TAB and ended by LF — the version-2 form without the origin.
    private static void CheckV1Digest(SqliteConnection connection, string prefix, string child, string period, string expected)
    {
        using var digest = new SnapshotDigest(DigestAlgorithm.Sha256);
        foreach (var dataset in Dataset.UpTo(2))
        {
            digest.BeginDataset(dataset);
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {string.Join(", ", dataset.Columns)} FROM {prefix}_{dataset.Name} WHERE period = $period"
                + (prefix == "c" ? " AND child_id = $child" : "") + $" ORDER BY {dataset.KeyColumn}";
            command.Parameters.AddWithValue("$period", period);
            command.Parameters.AddWithValue("$child", child);
            using var reader = command.ExecuteReader();
            var line = new System.Text.StringBuilder();
            while (reader.Read())
            {
                line.Clear();
                for (var i = 0; i < dataset.Columns.Count; i++)
                {
                    line.Append(i == 0 ? "" : "\t").Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
                }
                digest.AppendBytes(System.Text.Encoding.UTF8.GetBytes(line.Append('\n').ToString()));
            }
        }
        var actual = digest.Finish();
        if (actual != expected)
        {
            var what = prefix == "p" ? $"sealed period {period}" : $"{child}'s received period {period}";
            throw new StoreException($"Cannot upgrade the store: the records of {what} no longer match its manifest (digest {actual}, manifest {expected}). " +
                "The store is damaged; restore a backup, then start this version again. Nothing was changed.");
        }
    }

    private static List<(string Child, string Period, string Digest)> ReadDigests(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        return rows;
    }

    private static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    private static void Run(SqliteConnection connection, string sql, params (string Name, string Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.ExecuteNonQuery();
    }
}
