using System.Text.Json.Nodes;
using Federation.Protocol.V1;
using Federation.Shared;
using Federation.Store.Postgres;
using Federation.Store.Sqlite;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// A ministry whose store is on PostgreSQL keeps the national registration state there: the
/// journal file it kept before is copied into its database at start-up and renamed aside, and a
/// registration made at a city (SQLite, through its province) reaches the ministry's journal in
/// PostgreSQL, indexed. Runs alone: a database server and three nodes.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RegistrationOnPostgresTests
{
    [Fact]
    public async Task AMinistryOnPostgres_TakesItsJournalFileIn_AndACitysRegistrationReachesItThere()
    {
        using var postgres = PostgresCluster.Start();
        var database = postgres.Database("ministry");
        var fileEpoch = "";
        await using var tree = await RegistrationTree.StartAsync(new JsonObject { ["Provider"] = "postgresql", ["ConnectionString"] = database }, directory =>
        {
            // The journal the ministry kept as a file before its store moved to PostgreSQL.
            using var journal = SqliteRegistrationJournal.Open(Path.Combine(directory, "data", "ministry.registration.db"));
            fileEpoch = journal.Epoch;
            journal.AddAlias("city-440300", "SZ-L-OLD", "SZ-0001");
        }, "440100");
        var file = Path.Combine(tree.Directory, "data", "ministry.registration.db");
        Assert.False(File.Exists(file));
        Assert.True(File.Exists(file + ".migrated"));

        var worker = RegistrationTree.Citizen("440106", "19900101", "123");
        using (var gz = Tree.Client(tree.City("440100")))
        {
            await gz.RegisterLocallyAsync(new RegisterLocallyRequest { RegistrationId = "GZ-L-0001", CitizenId = worker, Category = "other", HandlingDivision = "440106" });
        }
        using var national = Tree.Client(tree.Ministry);
        await RegistrationTree.EventuallyAsync(async () => (await national.GetNodeStatusAsync()).Registration.ValidToday.GetValueOrDefault("city-440100") == 1 ? true : (bool?)null,
            "the city's registration counts at the ministry");

        using var journal = PostgresRegistrationJournal.Open(database);
        Assert.Equal(fileEpoch, journal.Epoch); // the same journal, moved: the province's cursors in it stay valid
        Assert.Equal("SZ-0001", journal.Aliases("city-440300")["SZ-L-OLD"]);
        var registration = Assert.Single(journal.RegistrationsOf(worker));
        Assert.Equal(("GZ-L-0001", "city-440100", "440106"), (registration.RegistrationId, registration.Origin, registration.HandlingDivision));
        Assert.Equal("440100", journal.IndexedCity(worker));
        Assert.False(File.Exists(file)); // no file made again beside the store
    }
}
