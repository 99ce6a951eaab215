using Federation.Store.Postgres;
using Federation.Store.Registration;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Xunit;
using static Federation.Store.Tests.Registration.RegistrationJournalTests;

namespace Federation.Store.Tests.Registration;

/// <summary>
/// A node moving to PostgreSQL brings its registration journal file along once: every table copied
/// in one transaction and checked, the file renamed aside, a second start a no-op, a copy already
/// committed only renamed; a file that cannot be copied, or a database that holds another journal,
/// leaves PostgreSQL untouched and names the file.
/// </summary>
[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class RegistrationJournalMigrationTests(PostgresServer server) : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(8));
    private const string Person = "440106199001011234";

    private readonly TempDirectory _directory = new();
    private readonly PostgresJournals _databases = new(server.Cluster);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void AJournalFile_IsCopiedOnce_Checked_AndRenamedAside_AndASecondStartFindsNothingToDo()
    {
        var file = _directory.File("data/ministry.registration.db");
        string epoch;
        using (var journal = SqliteRegistrationJournal.Open(file))
        {
            epoch = journal.Epoch;
            journal.KeepNationalIndex();
            journal.Submit("ref-1", seq => Application($"A20261202{seq:D8}", Person, "ref-1"));
            journal.ApplyFromChild("province-440000", [Change(3, "city-440100", "e1", 3, Registered("GZ-1", Person, new DateOnly(2026, 12, 1)))]);
            journal.AddAlias("city-440100", "GZ-L-1", "GZ-1");
            journal.SetServed("province-440000", ["440100"]);
            journal.ReceiveFromParent("none", 0, Application("A2026120200000009", "440304199202025520", "ref-9"));
        }
        var database = _databases.ConnectionString("ministry");

        var migrated = PostgresRegistrationJournal.MigrateFile(database, file)!;

        Assert.Equal((file, file + ".migrated", epoch, 1L, false), (migrated.File, migrated.MovedTo, migrated.Epoch, migrated.FeedHead, migrated.AlreadyCopied));
        Assert.Equal((2L, 2L, 1L, 1L, 1L, 1L, 2L), (migrated.Rows["applications"], migrated.Rows["cursors"], migrated.Rows["feed"], migrated.Rows["aliases"],
            migrated.Rows["origins"], migrated.Rows["person_index"], migrated.Rows["meta"]));
        Assert.False(File.Exists(file));
        Assert.True(File.Exists(file + ".migrated"));
        using (var journal = PostgresRegistrationJournal.Open(database))
        {
            // The same journal: its epoch (so the children's and the parent's cursors stay valid), cursors, feed, index.
            Assert.Equal(epoch, journal.Epoch);
            Assert.Equal(new JournalCursor(3, "child-epoch"), journal.ChildCursor("province-440000"));
            Assert.Equal(("city-440100", "e1", 3L), journal.FeedAfter(0, 10).Select(e => (e.Origin, e.OriginEpoch, e.OriginSeq)).Single());
            Assert.Equal("GZ-1", journal.FindRegistration("city-440100", "GZ-L-1")!.RegistrationId);
            Assert.Equal("440100", journal.IndexedCity(Person));
            Assert.Equal(("province-440000", 2L), (journal.ServingChild("440100"), journal.ApplicationHead()));
            // Nothing applied twice after the move: the change is known by its identity.
            Assert.Null(Assert.Single(journal.ApplyFromChild("province-440000", [Change(3, "city-440100", "e1", 3, Registered("GZ-1", Person, new DateOnly(2026, 12, 1)))])));
            Assert.True(journal.Submit("ref-1", _ => throw new InvalidOperationException("not made twice")).Duplicate);
        }

        Assert.Null(PostgresRegistrationJournal.MigrateFile(database, file)); // no file: nothing to do

        // A copy committed whose rename did not happen (the node stopped in between): only renamed.
        File.Copy(file + ".migrated", file);
        var again = PostgresRegistrationJournal.MigrateFile(database, file)!;
        Assert.True(again.AlreadyCopied);
        Assert.StartsWith(file + ".migrated-", again.MovedTo, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void AFileThatCannotBeRead_LeavesPostgresUntouched_AndNamesTheFile()
    {
        var file = _directory.File("data/damaged.registration.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, [.. Enumerable.Repeat((byte)0x5a, 8192)]);
        var database = _databases.ConnectionString("damaged");

        var refused = Assert.Throws<StoreException>(() => PostgresRegistrationJournal.MigrateFile(database, file));

        Assert.Contains(file, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was copied", refused.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(file));
        Assert.Equal(0L, Rows(database));
    }

    [Fact]
    public void ACopyThatFailsHalfway_IsRolledBack_AndTheFileStays()
    {
        var file = _directory.File("data/extra.registration.db");
        using (var journal = SqliteRegistrationJournal.Open(file))
        {
            journal.Submit("ref-1", seq => Application($"A20261202{seq:D8}", Person, "ref-1"));
            journal.Record("city-440100", At, null, Registered("GZ-1", Person, new DateOnly(2026, 12, 1)), _ => []);
        }
        // A column PostgreSQL's journal does not have, on a table copied after meta and applications.
        using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            using var alter = connection.CreateCommand();
            alter.CommandText = "ALTER TABLE feed ADD COLUMN extra TEXT";
            alter.ExecuteNonQuery();
        }
        var database = _databases.ConnectionString("extra");

        var refused = Assert.Throws<StoreException>(() => PostgresRegistrationJournal.MigrateFile(database, file));

        Assert.StartsWith($"The registration journal {file} could not be copied into PostgreSQL", refused.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(file));
        Assert.Equal(0L, Rows(database));
    }

    [Fact]
    public void ADatabaseHoldingAnotherJournal_IsNotMergedInto()
    {
        var file = _directory.File("data/other.registration.db");
        string fileEpoch;
        using (var journal = SqliteRegistrationJournal.Open(file))
        {
            fileEpoch = journal.Epoch;
        }
        var database = _databases.ConnectionString("other");
        string held;
        using (var journal = PostgresRegistrationJournal.Open(database))
        {
            held = journal.Epoch;
            journal.Record("city-440100", At, null, Registered("GZ-1", Person, new DateOnly(2026, 12, 1)), _ => []);
        }

        var refused = Assert.Throws<StoreException>(() => PostgresRegistrationJournal.MigrateFile(database, file));

        Assert.StartsWith($"PostgreSQL ({PostgresStore.Where(database)}) already holds a registration journal (epoch {held}, feed at 1) and {file} holds another (epoch {fileEpoch}, feed at 0)",
            refused.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(file));
        using var reopened = PostgresRegistrationJournal.Open(database);
        Assert.Equal((held, 1L), (reopened.Epoch, reopened.FeedHead()));
    }

    // Rows of the registration schema's tables, 0 when the schema is not even there.
    private static long Rows(string database)
    {
        using var connection = new Npgsql.NpgsqlConnection(database);
        connection.Open();
        using (var exists = new Npgsql.NpgsqlCommand("SELECT to_regclass('registration.meta') IS NOT NULL", connection))
        {
            if (!(bool)exists.ExecuteScalar()!)
            {
                return 0;
            }
        }
        using var command = new Npgsql.NpgsqlCommand(
            "SELECT (SELECT COUNT(*) FROM registration.meta) + (SELECT COUNT(*) FROM registration.applications) + (SELECT COUNT(*) FROM registration.feed)", connection);
        return (long)command.ExecuteScalar()!;
    }
}
