using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Schema migrations on real version-1 stores (Fixtures/v1, written by the version-1 binary):
/// the data, the counts and the sealed history survive; digests take the version-2 form that a
/// fresh store computes for the same records; a damaged or a newer store is refused untouched.
/// </summary>
public sealed class MigrationTests : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateOnly MidNovember = new(2026, 11, 15);
    private const string V1CityDigest = "6d6fe46aef6c72655ca703e426a138c2cfaf38764c378be7941bfdf432eefd05";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string LoadV1(string fixture, Action<SqliteConnection>? damage = null)
    {
        var path = _directory.File(fixture + ".db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "v1", fixture + ".sql"));
            command.ExecuteNonQuery();
            damage?.Invoke(connection);
        }
        return path;
    }

    private static string Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Fact]
    public void V1City_IsMigrated_KeepingEveryRecordAndPeriod_WithACopyBeforeAndTheOldDigests()
    {
        var path = LoadV1("city");
        var stagedBefore = Scalar(path, "SELECT count(*) FROM s_persons");

        using var store = SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" });

        Assert.Equal(3, store.MigrationsApplied.Count);
        Assert.StartsWith("schema v1 → v2: ", store.MigrationsApplied[0], StringComparison.Ordinal);
        Assert.StartsWith("schema v2 → v3: enterprise employment monitoring", store.MigrationsApplied[1], StringComparison.Ordinal);
        Assert.StartsWith("schema v3 → v4: signed periods", store.MigrationsApplied[2], StringComparison.Ordinal);
        // One copy before the whole upgrade, named after the version it leads to.
        Assert.True(File.Exists(path + ".before-v4.db"));
        Assert.Equal("1", Scalar(path + ".before-v4.db", "SELECT value FROM meta WHERE key = 'schema_version'"));
        Assert.Equal("4", Scalar(path, "SELECT value FROM meta WHERE key = 'schema_version'"));
        // Periods sealed before signed periods stay unsigned: nothing signs them after the fact.
        Assert.Empty(store.Signatures.List());
        Assert.Equal("0", Scalar(path, "SELECT count(*) FROM p_enterprise_reports"));
        var manifests = store.Periods.ListManifests();
        Assert.Equal([October, MidNovember], manifests.Select(m => m.AsOf));
        Assert.Equal(143, manifests[0].Counts.Values.Sum());
        foreach (var manifest in manifests)
        {
            Assert.Equal(manifest.Digest, store.Periods.RecomputeDigest(manifest.AsOf));
            Assert.NotEqual(V1CityDigest, manifest.Digest);
        }
        Assert.Equal(V1CityDigest, Scalar(path, "SELECT value FROM meta WHERE key = 'v1_digest:2026-10-31'"));
        Assert.All(store.Periods.ReadSealed(October, Dataset.Persons), r => Assert.Equal("city-440100", r.Origin));
        Assert.Equal(stagedBefore, store.ReadStaged(Dataset.Persons).Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void V1City_Migrated_HasTheDigestAFreshStoreComputesForTheSameRecords_AndStaysImmutable()
    {
        using var migrated = SqliteStore.Open(new StoreOptions { Path = LoadV1("city"), NodeId = "city-440100" });
        using var fresh = SqliteStore.Open(new StoreOptions { Path = _directory.File("fresh.db"), NodeId = "city-440100" });
        using (var staging = fresh.Staging.BeginStaging())
        {
            foreach (var dataset in Dataset.All)
            {
                foreach (var record in migrated.Periods.ReadSealed(October, dataset))
                {
                    staging.Upsert(dataset, record.Values);
                }
            }
            staging.Commit();
        }

        var sealedFresh = fresh.Periods.Seal(October, new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.FromHours(8)));

        Assert.Equal(migrated.Periods.GetManifest(October)!.Digest, sealedFresh.Digest);
        using var connection = new SqliteConnection($"Data Source={migrated.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM p_persons WHERE period = '2026-10-31'";
        Assert.Contains("immutable", Assert.Throws<SqliteException>(() => command.ExecuteNonQuery()).Message, StringComparison.Ordinal);
        // The next period seals on the migrated store as on any other.
        var next = migrated.Periods.Seal(new DateOnly(2026, 11, 30), new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(3, migrated.Periods.ListManifests().Count);
        Assert.Equal(next.Digest, migrated.Periods.RecomputeDigest(next.AsOf));
    }

    [Fact]
    public void V1Province_ReceivedSnapshot_TakesTheChildsId_AndTheDigestTheMigratedChildHas()
    {
        using var city = SqliteStore.Open(new StoreOptions { Path = LoadV1("city"), NodeId = "city-440100" });
        using var province = SqliteStore.Open(new StoreOptions { Path = LoadV1("province"), NodeId = "prov-440000" });

        var received = Assert.Single(province.Transfers.ListChildManifests("city-440100"));

        Assert.Equal((October, city.Periods.GetManifest(October)!.Digest), (received.AsOf, received.Digest));
        Assert.Equal(V1CityDigest, Scalar(province.Path, "SELECT value FROM meta WHERE key = 'v1_digest:city-440100:2026-10-31'"));
        Assert.Equal("[\"city-440100\"]", Scalar(province.Path, "SELECT origins FROM child_manifests"));
        // The link's last pull shows the migrated digest at once, not the version-1 one (issue 22).
        var link = Assert.Single(province.Links.ListChildLinks());
        Assert.Equal(("city-440100", received.Digest), (link.ChildId, link.Digest));
        Assert.NotEqual(V1CityDigest, link.Digest);
        var own = Assert.Single(province.Periods.ListManifests());
        Assert.Equal(own.Digest, province.Periods.RecomputeDigest(October));
    }

    [Fact]
    public void V1Store_WhoseRecordsNoLongerMatchTheirManifest_IsRefused_AndLeftAtVersion1()
    {
        var path = LoadV1("city", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER p_persons_immutable_update; UPDATE p_persons SET name = '改' WHERE citizen_id = (SELECT min(citizen_id) FROM p_persons) AND period = '2026-10-31'";
            command.ExecuteNonQuery();
        });

        var refused = Assert.Throws<StoreException>(() => SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" }));

        Assert.StartsWith("Cannot upgrade the store: the records of sealed period 2026-10-31 no longer match its manifest", refused.Message, StringComparison.Ordinal);
        Assert.Equal("1", Scalar(path, "SELECT value FROM meta WHERE key = 'schema_version'"));
        Assert.Equal("0", Scalar(path, "SELECT count(*) FROM pragma_table_info('p_persons') WHERE name = 'origin'"));
    }

    [Fact]
    public void V1Backup_RestoreDrill_MigratesACopy_AndLeavesTheBackupAtVersion1()
    {
        var backup = LoadV1("city");

        var drill = SqliteBackups.Drill(backup, "city-440100", _directory.File("scratch"));

        Assert.True(drill.Ok, string.Join("; ", drill.Problems));
        Assert.Equal((4, 2), (drill.SchemaVersion, drill.Periods.Count));
        Assert.Equal("1", Scalar(backup, "SELECT value FROM meta WHERE key = 'schema_version'"));
        Assert.Empty(Directory.GetFiles(_directory.File("scratch")));
    }

    [Fact]
    public void NewerStore_IsRefusedUntouched()
    {
        var path = _directory.File("newer.db");
        using (SqliteStore.Open(new StoreOptions { Path = path }))
        {
        }
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE meta SET value = '5' WHERE key = 'schema_version'";
            command.ExecuteNonQuery();
        }

        var refused = Assert.Throws<StoreException>(() => SqliteStore.Open(new StoreOptions { Path = path }));

        Assert.Equal("The database has schema version 5; this software reads version 4 and never downgrades a store. Use the newer software (or restore a backup made by this version).", refused.Message);
        Assert.Equal("5", Scalar(path, "SELECT value FROM meta WHERE key = 'schema_version'"));
        Assert.False(File.Exists(path + ".before-v5.db") || File.Exists(path + ".before-v4.db"));
    }
}
