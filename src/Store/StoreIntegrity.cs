using Federation.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

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

    /// <summary>The refusal of a seal that ran out of disk: which period, which store, and that nothing of it was written.</summary>
    public static string SealDiskFull(string path, Period period, Exception ex) =>
        $"Period {period} was not sealed: the disk holding the store {path} is full ({ex.Message}). Nothing of the period was written " +
        "(its transaction was rolled back) and the sealed periods are as they were; free space on that disk and seal again.";

    /// <summary>The failure of a backup that ran out of disk: which file, and that nothing of it was kept.</summary>
    public static string BackupDiskFull(string destination, Exception ex) =>
        $"The backup {destination} was not written: the disk it is on is full ({ex.Message}). What had been copied was deleted, " +
        "nothing of this backup was kept and the store is as it was; free space on that disk (or choose another) and back up again.";

    /// <summary>
    /// Whether <paramref name="ex"/> (or what it wraps) says the store's database server cannot be
    /// reached or went away (a PostgreSQL store stopped, restarting or cut off: Npgsql's transient
    /// failures), so that the same request may succeed later. What the server refused is not this.
    /// </summary>
    public static bool IsStoreAway(Exception ex) => ex switch
    {
        // A server shutting down or starting (57P01–57P03) or a connection failure (class 08), whatever the driver's list says.
        PostgresException postgres when postgres.IsTransient || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow => true,
        NpgsqlException npgsql when npgsql.IsTransient => true,
        _ => ex.InnerException is { } inner && IsStoreAway(inner),
    };

    /// <summary>The failure of work that needed the store while its server was away (<see cref="IsStoreAway"/>): for operators and logs, no data in it.</summary>
    public static string StoreAway(Exception ex) =>
        $"this node's store (its PostgreSQL server) does not answer ({ex.GetBaseException().Message}): nothing of this was committed; it succeeds again once the server is back";

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
