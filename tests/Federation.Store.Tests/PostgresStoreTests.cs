using Federation.Store.Postgres;
using Federation.Store.Sqlite;
using Federation.Testing;
using Npgsql;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// The PostgreSQL store against a real, throwaway PostgreSQL cluster (initdb/pg_ctl in a temp
/// directory), beside the SQLite store on the same records: the same digests, the same order, the
/// same refusals, and sealed data immutable in the database itself.
/// </summary>
[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class PostgresStoreTests(PostgresServer server) : IDisposable
{
    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));
    private readonly TempDirectory _directory = new();
    private readonly List<IDisposable> _stores = [];

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        _directory.Dispose();
    }

    private (SqliteStore Sqlite, PostgresStore Postgres) Both(string owner = "city-440100")
    {
        var sqlite = SqliteStore.Open(new StoreOptions { Path = _directory.File("node.db"), NodeId = owner });
        var connectionString = server.Cluster.Database("t" + Guid.NewGuid().ToString("N")[..12]);
        var postgres = PostgresStore.Open(connectionString, owner);
        _connections[postgres] = connectionString;
        _stores.Add(sqlite);
        _stores.Add(postgres);
        return (sqlite, postgres);
    }

    // Keys chosen so that byte order differs from a linguistic collation: upper before lower
    // case, Latin before CJK, a longer key after its prefix.
    private static readonly string[][] Persons =
    [
        ["11010519491231002X", "张三", "2", "1949-12-31", "110105", "2", "440106", "1"],
        ["440106199001010013", "李四", "1", "1990-01-01", "440183", "1", "440106", "0"],
        ["44010619900101001X", "Zoë O'Brien", "1", "1990-01-01", "440106", "", "440106", "1"],
    ];

    private static void Stage(IStaging store)
    {
        using var staging = store.BeginStaging();
        foreach (var person in Persons)
        {
            staging.Upsert(Dataset.Persons, person);
        }
        staging.Upsert(Dataset.Employers, ["91110000600037341L", "某某有限公司", "C13", "440106", "440106", "1"]);
        foreach (var id in new[] { "e-10", "E-2", "e-1", "中-1" })
        {
            staging.Upsert(Dataset.Employment, [id, "11010519491231002X", "flexible", "", "2026-03-01", id == "e-1" ? "2026-06-30" : "", "440106", "1"]);
        }
        staging.Upsert(Dataset.Certificates, ["4401061026000001", "11010519491231002X", "2026-06-30", "440106", "", "440106", "1"]);
        staging.Commit();
    }

    [Fact]
    public void SameRecords_SealTheSameDigestAndCounts_AndReadBackInTheSameOrder()
    {
        var (sqlite, postgres) = Both();
        Stage(sqlite.Staging);
        Stage(postgres.Staging);

        var a = sqlite.Periods.Seal(October, Now);
        var b = postgres.Periods.Seal(October, Now);

        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(a.Counts, b.Counts);
        Assert.Equal(b.Digest, postgres.Periods.RecomputeDigest(October));
        Assert.Equal(b.Digest, postgres.Periods.GetManifest(October)!.Digest);
        foreach (var dataset in Dataset.All)
        {
            Assert.Equal(sqlite.Periods.ReadSealed(October, dataset).Select(r => r.Origin + "|" + string.Join("|", r.Values)),
                postgres.Periods.ReadSealed(October, dataset).Select(r => r.Origin + "|" + string.Join("|", r.Values)));
            Assert.Equal(sqlite.ReadStaged(dataset).Select(v => string.Join("|", v)), postgres.ReadStaged(dataset).Select(v => string.Join("|", v)));
        }
        // Resuming after a cursor, and packed batches, as a parent's pull reads them.
        Assert.Equal(sqlite.Periods.ReadSealedAfter(October, Dataset.Employment, "city-440100", "E-2").Select(r => r.Values[0]),
            postgres.Periods.ReadSealedAfter(October, Dataset.Employment, "city-440100", "E-2").Select(r => r.Values[0]));
        Assert.Equal(sqlite.Periods.ReadSealedPacked(October, Dataset.Employment, "", "", 3, 1 << 20).Select(p => (p.Records, p.LastKey, Convert.ToBase64String(p.Bytes.Span))),
            postgres.Periods.ReadSealedPacked(October, Dataset.Employment, "", "", 3, 1 << 20).Select(p => (p.Records, p.LastKey, Convert.ToBase64String(p.Bytes.Span))));
    }

    [Fact]
    public void Staging_UpsertsByKey_UnchangedIsCounted_UncommittedIsRolledBack_LookupsSeeOwnWrites()
    {
        var (_, postgres) = Both();
        using (var staging = postgres.Staging.BeginStaging())
        {
            Assert.True(staging.Upsert(Dataset.Persons, Persons[0]));
            Assert.False(staging.Upsert(Dataset.Persons, Persons[0]));
            Assert.True(staging.Upsert(Dataset.Persons, Persons[1]));
            Assert.Equal((true, false, (bool?)null), (staging.PersonValidity(Persons[0][0]) ?? false, staging.PersonValidity(Persons[1][0]) ?? true, staging.PersonValidity("110105194912310021")));
            staging.Upsert(Dataset.Employment, ["E1", Persons[0][0], "flexible", "", "2026-03-01", "", "440106", "1"]);
            Assert.Equal("E1", staging.EmploymentOpenOn(Persons[0][0], "2026-05-01"));
            Assert.Null(staging.EmploymentOpenOn(Persons[0][0], "2026-02-01"));
            staging.Upsert(Dataset.Certificates, ["4401061026000001", Persons[0][0], "2026-06-30", "440106", "", "440106", "1"]);
            Assert.Equal("4401061026000001", staging.OtherValidCertificate(Persons[0][0], "4401061026000002"));
            Assert.Equal(Persons[0], staging.Find(Dataset.Persons, Persons[0][0]));
            Assert.Equal((4L, 1L), (staging.Changed, staging.Unchanged)); // 2 persons, 1 employment, 1 certificate written; 1 unchanged
        }
        Assert.Empty(postgres.ReadStaged(Dataset.Persons));

        using (var staging = postgres.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.Persons, Persons[0]);
            staging.Commit();
        }
        using (var staging = postgres.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.Persons, [.. Persons[0][..1], "改名", .. Persons[0][2..]]);
            staging.Commit();
        }
        Assert.Equal("改名", Assert.Single(postgres.ReadStaged(Dataset.Persons))[1]);
    }

    [Fact]
    public void Refusals_AreTheSameAsSqlites_OutOfOrder_Future_DatedAfter()
    {
        var (sqlite, postgres) = Both();
        Stage(sqlite.Staging);
        Stage(postgres.Staging);
        string Refusal(ISealedPeriods store, DateOnly asOf, DateTimeOffset now) => Assert.Throws<StoreException>(() => store.Seal(asOf, now)).Message;

        Assert.Equal(Refusal(sqlite.Periods, new DateOnly(2026, 6, 29), Now), Refusal(postgres.Periods, new DateOnly(2026, 6, 29), Now));
        Assert.Equal(Refusal(sqlite.Periods, new DateOnly(2026, 2, 28), Now), Refusal(postgres.Periods, new DateOnly(2026, 2, 28), Now));
        Assert.Contains("employment.start_date: 4 (latest 2026-03-01)", Refusal(postgres.Periods, new DateOnly(2026, 2, 28), Now), StringComparison.Ordinal);
        Assert.Equal(Refusal(sqlite.Periods, new DateOnly(2026, 11, 21), Now), Refusal(postgres.Periods, new DateOnly(2026, 11, 21), Now));
        sqlite.Periods.Seal(October, Now);
        postgres.Periods.Seal(October, Now);
        Assert.Equal(Refusal(sqlite.Periods, October, Now), Refusal(postgres.Periods, October, Now));
        Assert.Equal(Refusal(sqlite.Periods, new DateOnly(2026, 10, 15), Now), Refusal(postgres.Periods, new DateOnly(2026, 10, 15), Now));
        Assert.Single(postgres.Periods.ListManifests());
    }

    [Fact]
    public void SealedData_IsImmutableInTheDatabase_AndEachPeriodIsItsOwnPartition()
    {
        var (_, postgres) = Both();
        Stage(postgres.Staging);
        postgres.Periods.Seal(October, Now);

        using var connection = new NpgsqlConnection(StoreConnection(postgres));
        connection.Open();
        foreach (var sql in new[]
        {
            "UPDATE p_persons SET name = '改' WHERE period = '2026-10-31'",
            "DELETE FROM p_persons WHERE period = '2026-10-31'",
            "INSERT INTO p_persons (period, origin, citizen_id, name, sex, birth_date, household_division, household_nature, handling_division, valid) " +
                "VALUES ('2026-10-31', 'x', '1', 'n', '1', '2000-01-01', '1', '1', '1', 1)",
            "UPDATE manifests SET digest = 'x'",
            "DELETE FROM manifests",
            "TRUNCATE manifests CASCADE",
        })
        {
            using var command = new NpgsqlCommand(sql, connection);
            var refused = Assert.Throws<PostgresException>(() => command.ExecuteNonQuery());
            Assert.Contains("immutable (R-4)", refused.MessageText, StringComparison.Ordinal);
        }
        using var partition = new NpgsqlCommand("SELECT count(*) FROM pg_inherits WHERE inhparent = 'p_persons'::regclass AND inhrelid = 'p_persons_20261031'::regclass", connection);
        Assert.Equal(1L, partition.ExecuteScalar());
        Assert.Equal(postgres.Periods.GetManifest(October)!.Digest, postgres.Periods.RecomputeDigest(October));
    }

    // A parent's side: the same child snapshot transferred into a SQLite and a PostgreSQL parent
    // in resumable batches, verified, committed, merged — the same digests, findings and look-ups;
    // a tampered transfer is discarded; committed rows are immutable in the database.
    [Fact]
    public void ParentSide_TransferCommitMergeAndLookups_MatchSqlite()
    {
        var child = SqliteStore.Open(new StoreOptions { Path = _directory.File("child.db"), NodeId = "city-440100" });
        _stores.Add(child);
        Stage(child.Staging);
        var manifest = child.Periods.Seal(October, Now);
        var sqliteParent = SqliteStore.Open(new StoreOptions { Path = _directory.File("parent.db"), NodeId = "province-440000" });
        _stores.Add(sqliteParent);
        var connectionString = server.Cluster.Database("p" + Guid.NewGuid().ToString("N")[..12]);
        var postgresParent = PostgresStore.Open(connectionString, "province-440000");
        _stores.Add(postgresParent);

        foreach (INodeStore store in new INodeStore[] { sqliteParent, postgresParent })
        {
            var parent = store.Transfers;
            parent.BeginTransfer("city-440100", October, manifest.Digest, Now);
            foreach (var dataset in Dataset.All)
            {
                // Two batches per dataset, the second sent twice (a retry after a lost answer).
                var batches = child.Periods.ReadSealedPacked(October, dataset, "", "", 2, 1 << 20).ToList();
                foreach (var batch in batches)
                {
                    parent.AppendTransferPacked("city-440100", October, dataset, [batch.Bytes], Now);
                }
                if (batches.Count > 0)
                {
                    parent.AppendTransferPacked("city-440100", October, dataset, [batches[^1].Bytes], Now);
                }
            }
            Assert.Equal(manifest.Digest, parent.CommitTransfer("city-440100", manifest, Now).Digest);
            // A tampered transfer of another period is discarded, not committed.
            var later = new DateOnly(2026, 11, 15);
            parent.BeginTransfer("city-440100", later, "0" + manifest.Digest[1..], Now);
            parent.AppendTransfer("city-440100", later, Dataset.Persons, [new OriginRecord("city-440100", Persons[0])], Now);
            Assert.Contains("does not match its manifest", Assert.Throws<StoreException>(() =>
                parent.CommitTransfer("city-440100", manifest with { Period = later, Digest = "0" + manifest.Digest[1..] }, Now)).Message, StringComparison.Ordinal);
            Assert.Null(store.GetTransfer("city-440100", later));
            Assert.Single(parent.ListChildManifests("city-440100"));
        }

        MergedSource[] sources = [new("city-440100", Period.Parse("2026-10-31"), manifest.Digest)];
        var merged = (sqliteParent.Periods.Seal(October, Now, sources), postgresParent.Periods.Seal(October, Now, sources));
        Assert.Equal(merged.Item1.Digest, merged.Item2.Digest);
        Assert.Equal(merged.Item1.Counts, merged.Item2.Counts);
        Assert.Equal(sqliteParent.Findings.CountFindings(October), postgresParent.Findings.CountFindings(October));
        Assert.Equal(["city-440100"], postgresParent.Holders.ChildrenHolding(Persons[0][0]));
        Assert.Equal(sqliteParent.Holders.FindCachedHolder("city-440100", Persons[0][0])!.Records.Sum(r => r.Value.Count),
            postgresParent.Holders.FindCachedHolder("city-440100", Persons[0][0])!.Records.Sum(r => r.Value.Count));
        Assert.Equal(Persons[0][0], postgresParent.Holders.FindCachedCertificateHolder("city-440100", "4401061026000001"));

        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var delete = new NpgsqlCommand("DELETE FROM c_persons WHERE child_id = 'city-440100'", connection);
        Assert.Contains("already committed", Assert.Throws<PostgresException>(() => delete.ExecuteNonQuery()).MessageText, StringComparison.Ordinal);
    }

    // Issue 12 item 4 on PostgreSQL: its own tools back it up (pg_dump -Fc) and restore it
    // (pg_restore); the restored database gives every period its digest and keeps its triggers.
    [Fact]
    public void PgDumpAndRestore_KeepDigestsAndImmutability()
    {
        var (_, postgres) = Both();
        Stage(postgres.Staging);
        var manifest = postgres.Periods.Seal(October, Now);
        var dump = System.IO.Path.Combine(server.Cluster.Root, "backup.dump"); // the server's user writes it
        var source = new NpgsqlConnectionStringBuilder(_connections[postgres]).Database!;

        server.Cluster.Dump(source, dump);
        var restoredConnection = server.Cluster.Restore(dump, "r" + Guid.NewGuid().ToString("N")[..12]);
        using var restored = PostgresStore.Open(restoredConnection, "city-440100");

        Assert.Equal(manifest.Digest, restored.Periods.GetManifest(October)!.Digest);
        Assert.Equal(manifest.Digest, restored.Periods.RecomputeDigest(October));
        using var connection = new NpgsqlConnection(restoredConnection);
        connection.Open();
        using var update = new NpgsqlCommand("UPDATE p_persons SET name = '改'", connection);
        Assert.Contains("immutable (R-4)", Assert.Throws<PostgresException>(() => update.ExecuteNonQuery()).MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public void NewerSchema_IsRefused()
    {
        var connectionString = server.Cluster.Database("newer" + Guid.NewGuid().ToString("N")[..8]);
        PostgresStore.Open(connectionString, "x").Dispose();
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("UPDATE meta SET value = '6' WHERE key = 'schema_version'", connection);
            command.ExecuteNonQuery();
        }

        var refused = Assert.Throws<StoreException>(() => PostgresStore.Open(connectionString, "x"));

        Assert.Equal("The database has schema version 6; this software reads version 5 and never downgrades a store. Use the newer software.", refused.Message);
    }

    [Fact]
    public void Version2Database_IsStampedVersion5_WithTheEnterpriseSignatureAndRegistrationTables()
    {
        var connectionString = server.Cluster.Database("v2" + Guid.NewGuid().ToString("N")[..8]);
        PostgresStore.Open(connectionString, "x").Dispose();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var downgrade = new NpgsqlCommand("UPDATE meta SET value = '2' WHERE key = 'schema_version'; DROP TABLE s_enterprise_reports; DROP TABLE signed_periods; DROP SCHEMA registration CASCADE", connection))
        {
            downgrade.ExecuteNonQuery();
        }

        PostgresStore.Open(connectionString, "x").Dispose();

        using var check = new NpgsqlCommand("SELECT (SELECT value FROM meta WHERE key = 'schema_version'), to_regclass('s_enterprise_reports') IS NOT NULL, to_regclass('signed_periods') IS NOT NULL, to_regclass('registration.feed') IS NOT NULL", connection);
        using var reader = check.ExecuteReader();
        reader.Read();
        Assert.Equal(("5", true, true, true), (reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3)));
    }

    private string StoreConnection(PostgresStore store) => _connections[store];

    private readonly Dictionary<PostgresStore, string> _connections = [];
}
