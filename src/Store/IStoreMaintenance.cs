namespace Federation.Store;

/// <summary>The store as an operator sees it: where it is, what opening it did, a consistent copy.</summary>
public interface IStoreMaintenance
{
    string Path { get; }

    /// <summary>The schema migrations this open applied.</summary>
    IReadOnlyList<string> MigrationsApplied { get; }

    /// <summary>Writes a consistent copy of the store to a new file while it serves.</summary>
    void BackupTo(string destination);
}
