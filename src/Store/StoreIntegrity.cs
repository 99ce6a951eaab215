using Federation.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Federation.Store;

/// <summary>
/// A damaged store and a full disk, told apart from every other failure (issue 25, item 4). The
/// SQLite store runs <c>PRAGMA quick_check</c> each time it is opened, before anything reads or
/// migrates it: every page is read and every b-tree's structure and record format checked — what a
/// torn write or a bad disk sector breaks — in one pass over the file (the index cross-check of
/// <c>integrity_check</c> is left to the backup's verification; docs/reliability.md has both
/// measured). A damaged store is refused with how to restore it: a node never serves from pages it
/// cannot trust.
/// </summary>
public static class StoreIntegrity
{
    private const int Enospc = 28;
    private const int Edquot = 122;

    /// <summary>What SQLite's quick_check finds wrong with the open database (at most <paramref name="limit"/> lines); empty when it is whole.</summary>
    public static IReadOnlyList<string> QuickCheck(SqliteConnection connection, int limit = 5)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA quick_check({limit})";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }
        return rows is ["ok"] ? [] : rows;
    }

    /// <summary>Whether SQLite failed because the file is damaged or is not a database at all.</summary>
    public static bool IsDamage(SqliteException ex) => SqliteErrors.KindOf(ex) == StoreFailure.Corrupt;

    /// <summary>The refusal of a damaged store: where, what was found, and how to restore it.</summary>
    public static string Damaged(string path, string found) =>
        $"The store {path} is damaged ({found}). The node does not serve from a damaged store. " +
        "With the node stopped, restore the latest verified backup: Federation.Node restore --config <the node's config> <backup .db> " +
        "(the monthly backups are in Backup:Directory, by default backups/ beside the store; docs/operations.md, \"A damaged store\").";

    /// <summary>Whether <paramref name="ex"/> (or what it wraps) is a full disk: SQLite's SQLITE_FULL, or ENOSPC / EDQUOT from a file write.</summary>
    public static bool IsDiskFull(Exception ex) => ex switch
    {
        StoreException { Kind: StoreFailure.DiskFull } => true,
        SqliteException sqlite => SqliteErrors.KindOf(sqlite) == StoreFailure.DiskFull,
        IOException io => (io.HResult & 0xFFFF) is Enospc or Edquot || io.Message.Contains("No space left on device", StringComparison.Ordinal)
            || io.Message.Contains("Disk quota exceeded", StringComparison.Ordinal),
        _ => ex.InnerException is { } inner && IsDiskFull(inner),
    };
}
