namespace Federation.Store;

/// <summary>Where and how the store keeps its data.</summary>
public sealed class StoreOptions
{
    /// <summary>Path of the SQLite database file. Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>SQLite page cache per connection, in MiB. Defaults to 64.</summary>
    public int CacheSizeMiB { get; set; } = 64;
}
