namespace Federation.Store;

/// <summary>Where and how the store keeps its data.</summary>
public sealed class StoreOptions
{
    /// <summary>Path of the SQLite database file. Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>SQLite page cache per connection, in MiB. Defaults to 64.</summary>
    public int CacheSizeMiB { get; set; } = 64;

    /// <summary>
    /// The node's id, recorded as the origin of the records it seals from its own staging. The
    /// node sets it from its configuration; defaults to "local" for tools and tests.
    /// </summary>
    public string NodeId { get; set; } = "local";
}
