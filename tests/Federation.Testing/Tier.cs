namespace Federation.Testing;

/// <summary>
/// The trait that keeps a test out of the fast tier (<c>bash scripts/test.sh --fast</c>, docs/testing.md):
/// <c>[Trait(Tier.Needs, Tier.PostgreSql)]</c> on a class that starts a PostgreSQL cluster. The
/// fast tier runs the unit and component projects without them; the end-to-end project
/// (Federation.Tests: real node processes, peers, a browser) is not in it at all.
/// </summary>
public static class Tier
{
    /// <summary>The trait's name: what a test needs beyond the process it runs in.</summary>
    public const string Needs = "Needs";

    /// <summary>A real PostgreSQL cluster (initdb/pg_ctl in a temp directory).</summary>
    public const string PostgreSql = "postgresql";
}
