namespace Federation.Store;

/// <summary>Where and how the store keeps its data.</summary>
public sealed class StoreOptions
{
    /// <summary>
    /// Which database holds the store: <c>sqlite</c> (default: one file per node) or
    /// <c>postgresql</c> (a server database, for the ministry and large provinces; then
    /// <see cref="ConnectionString"/> names it).
    /// </summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The PostgreSQL connection string (Npgsql form), when <see cref="Provider"/> is <c>postgresql</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Whether the store is on PostgreSQL.</summary>
    public bool IsPostgres => string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase);

    /// <summary>Path of the SQLite database file (also where the security database and backups go beside it).</summary>
    public string Path { get; set; } = "";

    /// <summary>SQLite page cache per connection, in MiB. Defaults to 64.</summary>
    public int CacheSizeMiB { get; set; } = 64;

    /// <summary>
    /// The node's id, recorded as the origin of the records it seals from its own staging. The
    /// node sets it from its configuration; defaults to "local" for tools and tests.
    /// </summary>
    public string NodeId { get; set; } = "local";
}
