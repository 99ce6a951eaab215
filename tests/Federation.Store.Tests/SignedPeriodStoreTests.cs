using System.Text;
using Federation.Store.Sqlite;
using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Signed period manifests in the store, on SQLite and PostgreSQL alike: written with the seal in
/// its transaction (chained to the previous period), one per node and period, never replaced,
/// changed or deleted.
/// </summary>
public abstract class SignedPeriodStoreTests(StoreBackend backend) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));
    private readonly List<IDisposable> _stores = [];

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        backend.Dispose();
        GC.SuppressFinalize(this);
    }

    private INodeStore Open(string owner = "city-440100")
    {
        var store = backend.Open("node", owner);
        _stores.Add(store);
        return store;
    }

    // A signer that writes down what it was asked, so the chain the store passes can be seen.
    private sealed class RecordingSigner(string nodeId) : IPeriodSigner
    {
        public List<(Period Period, string? Previous)> Calls { get; } = [];

        public SignedPeriod Sign(Manifest sealedNow, Manifest? previous)
        {
            Calls.Add((sealedNow.Period, previous?.Digest));
            var statement = Encoding.ASCII.GetBytes($"{nodeId} {sealedNow.Period} {sealedNow.Digest} {previous?.Digest ?? "-"}\n");
            return new SignedPeriod(nodeId, sealedNow.Period, statement, [1, 2, 3], [4, 5, 6]);
        }
    }

    private sealed class FailingSigner : IPeriodSigner
    {
        public SignedPeriod Sign(Manifest sealedNow, Manifest? previous) => throw new InvalidOperationException("the key is gone");
    }

    [Fact]
    public void Seal_WithSigner_StoresTheSignedManifestChainedToThePreviousPeriod()
    {
        var store = Open();
        var signer = new RecordingSigner("city-440100");

        var september = store.Periods.Seal(Period.Parse("2026-09-30"), Now, [], null, signer);
        var october = store.Periods.Seal(Period.Parse("2026-10-31"), Now, [], null, signer);

        Assert.Equal([(september.Period, (string?)null), (october.Period, september.Digest)], signer.Calls);
        var held = store.Signatures.Find("city-440100", october.Period)!;
        Assert.Equal($"city-440100 2026-10-31 {october.Digest} {september.Digest}\n", Encoding.ASCII.GetString(held.Statement));
        Assert.Equal([1, 2, 3], held.Signature);
        Assert.Equal([4, 5, 6], held.Certificate);
        Assert.Equal("", held.ReceivedFrom);
        Assert.Equal(2, store.Signatures.List().Count);
    }

    [Fact]
    public void Seal_SignerFails_NothingIsSealed()
    {
        var store = Open();

        Assert.Throws<InvalidOperationException>(() => store.Periods.Seal(Period.Parse("2026-10-31"), Now, [], null, new FailingSigner()));

        // Sealed signed or not at all: the period can be sealed again once the key is back.
        Assert.Empty(store.Periods.ListManifests());
        Assert.Empty(store.Signatures.List());
        store.Periods.Seal(Period.Parse("2026-10-31"), Now, [], null, new RecordingSigner("city-440100"));
        Assert.Single(store.Signatures.List());
    }

    [Fact]
    public void Record_SameStatementAgain_IsKept_ADifferentOne_IsRefusedWholly()
    {
        var store = Open("province-440000");
        var october = Period.Parse("2026-10-31");
        var first = new SignedPeriod("city-440100", october, Encoding.ASCII.GetBytes("statement A\n"), [1], [9], "city-440100");
        var other = new SignedPeriod("city-440300", october, Encoding.ASCII.GetBytes("statement C\n"), [3], [9], "city-440300");
        store.Signatures.Record([first], Now);

        // The same statement, even with another signature's bytes, changes nothing.
        store.Signatures.Record([first with { Signature = [7] }], Now);
        Assert.Equal([1], store.Signatures.Find("city-440100", october)!.Signature);

        // Another statement for a period held: refused, and nothing of the call is written.
        var replaced = first with { Statement = Encoding.ASCII.GetBytes("statement B\n") };
        var refused = Assert.Throws<StoreException>(() => store.Signatures.Record([other, replaced], Now));
        Assert.Contains("city-440100 presented a signed manifest for period 2026-10-31 that differs from the one it signed before", refused.Message, StringComparison.Ordinal);
        Assert.Equal("statement A\n", Encoding.ASCII.GetString(store.Signatures.Find("city-440100", october)!.Statement));
        Assert.Null(store.Signatures.Find("city-440300", october));
    }
}

public sealed class SignedPeriodStoreTestsOnSqlite() : SignedPeriodStoreTests(new SqliteBackend())
{
    [Fact]
    public void SignedManifests_CannotBeChangedOrDeleted_InTheDatabase()
    {
        using var directory = new Federation.Testing.TempDirectory();
        var path = directory.File("node.db");
        using (var store = SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" }))
        {
            store.Signatures.Record([new SignedPeriod("city-440100", Period.Parse("2026-10-31"), [65, 10], [1], [2])], DateTimeOffset.UtcNow);
        }
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        foreach (var sql in new[] { "UPDATE signed_periods SET statement = x'00'", "DELETE FROM signed_periods" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            var refused = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQuery());
            Assert.Contains("signed periods are immutable", refused.Message, StringComparison.Ordinal);
        }
    }
}

[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class SignedPeriodStoreTestsOnPostgres(PostgresServer server) : SignedPeriodStoreTests(new PostgresBackend(server.Cluster))
{
    [Fact]
    public void SignedManifests_CannotBeChangedDeletedOrTruncated_InTheDatabase()
    {
        var connectionString = server.Cluster.Database("s" + Guid.NewGuid().ToString("N")[..12]);
        using (var store = Postgres.PostgresStore.Open(connectionString, "city-440100"))
        {
            store.Signatures.Record([new SignedPeriod("city-440100", Period.Parse("2026-10-31"), [65, 10], [1], [2])], DateTimeOffset.UtcNow);
        }
        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        connection.Open();
        foreach (var sql in new[] { "UPDATE signed_periods SET statement = '\\x00'", "DELETE FROM signed_periods", "TRUNCATE signed_periods" })
        {
            using var command = new Npgsql.NpgsqlCommand(sql, connection);
            var refused = Assert.Throws<Npgsql.PostgresException>(() => command.ExecuteNonQuery());
            Assert.Contains("immutable", refused.MessageText, StringComparison.Ordinal);
        }
    }
}
