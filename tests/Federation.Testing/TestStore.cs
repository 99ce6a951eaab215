using Federation.Shared;

namespace Federation.Testing;

/// <summary>
/// Which database the nodes of the end-to-end tests keep their stores in: SQLite unless
/// <c>FEDERATION_TEST_STORE=postgresql</c>, in which case every node the harness configures gets
/// its own database in one throwaway PostgreSQL cluster for the test run (scripts/test.sh runs the
/// tree tests a second time that way, so they pass on both stores).
/// </summary>
public static class TestStore
{
    private static readonly Lazy<PostgresCluster> Cluster = new(() =>
    {
        var cluster = PostgresCluster.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster;
    });

    /// <summary>Whether the nodes' stores are on PostgreSQL in this run.</summary>
    public static bool Postgres => string.Equals(Environment.GetEnvironmentVariable("FEDERATION_TEST_STORE"), "postgresql", StringComparison.OrdinalIgnoreCase);

    /// <summary>A connection string to a new database for one node.</summary>
    public static string NewDatabase(string nodeId) =>
        Cluster.Value.Database(new string([.. nodeId.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]) + "_" + Guid.NewGuid().ToString("N")[..8]);
}
