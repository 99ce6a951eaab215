using Federation.Shared;
using Federation.Store.Postgres;
using Federation.Store.Sqlite;
using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Where a test's stores live: the store test suites that test the roles (staging, sealing,
/// transfers, merging, look-ups, findings) are written once against <see cref="INodeStore"/> and
/// run on each backend — a SQLite file, and a database in a real throwaway PostgreSQL cluster.
/// Opening the same name again opens the same store (a restart).
/// </summary>
public abstract class StoreBackend : IDisposable
{
    /// <summary>Opens the store <paramref name="name"/>; <paramref name="digest"/> as a node configured for it opens it (null: as an offline tool).</summary>
    public abstract INodeStore Open(string name, string ownerId = "local", DigestAlgorithm? digest = null);

    /// <summary>What a refusal to open names as the store: the file, or the PostgreSQL database.</summary>
    public abstract string Where(string name);

    public abstract void Dispose();
}

public sealed class SqliteBackend : StoreBackend
{
    private readonly TempDirectory _directory = new();

    public override INodeStore Open(string name, string ownerId = "local", DigestAlgorithm? digest = null) =>
        SqliteStore.Open(new StoreOptions { Path = _directory.File(name + ".db"), NodeId = ownerId }, digest);

    public override string Where(string name) => _directory.File(name + ".db");

    public override void Dispose() => _directory.Dispose();
}

public sealed class PostgresBackend(PostgresCluster cluster) : StoreBackend
{
    private readonly Dictionary<string, string> _databases = new(StringComparer.Ordinal);

    public override INodeStore Open(string name, string ownerId = "local", DigestAlgorithm? digest = null) =>
        PostgresStore.Open(ConnectionString(name), ownerId, digest);

    public override string Where(string name) => PostgresStore.Where(ConnectionString(name));

    private string ConnectionString(string name)
    {
        if (!_databases.TryGetValue(name, out var connectionString))
        {
            connectionString = cluster.Database("t" + Guid.NewGuid().ToString("N")[..12]);
            _databases[name] = connectionString;
        }
        return connectionString;
    }

    public override void Dispose()
    {
    }
}

/// <summary>One throwaway PostgreSQL cluster (initdb/pg_ctl in a temp directory) for every PostgreSQL store test class.</summary>
public sealed class PostgresServer : IDisposable
{
    public const string Collection = "PostgreSQL server";

    public PostgresCluster Cluster { get; } = PostgresCluster.Start();

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(PostgresServer.Collection)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServer>;
