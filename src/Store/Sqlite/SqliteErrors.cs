using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Federation.Store.Sqlite;

/// <summary>SQLite's errors told apart by kind (<see cref="StoreFailure"/>) and wrapped in the store's own exception.</summary>
internal static class SqliteErrors
{
    // By SQLite's primary result code (sqlite.org/rescode.html).
    internal static StoreFailure KindOf(SqliteException ex) => ex.SqliteErrorCode switch
    {
        raw.SQLITE_CORRUPT or raw.SQLITE_NOTADB => StoreFailure.Corrupt,
        raw.SQLITE_FULL => StoreFailure.DiskFull,
        raw.SQLITE_BUSY or raw.SQLITE_LOCKED => StoreFailure.Busy,
        raw.SQLITE_CANTOPEN or raw.SQLITE_IOERR or raw.SQLITE_READONLY => StoreFailure.Unavailable,
        _ => StoreFailure.Failed,
    };

    /// <summary>The store's exception for SQLite's <paramref name="ex"/> on the database <paramref name="path"/>, <paramref name="doing"/> what.</summary>
    internal static StoreException Wrap(SqliteException ex, string path, string doing) =>
        StoreErrors.Wrap(ex, KindOf(ex), path, doing, "SQLite: " + ex.Message);

    /// <summary>Runs <paramref name="read"/>, wrapping SQLite's failure in the store's exception.</summary>
    internal static T Guard<T>(string path, string doing, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException ex)
        {
            throw Wrap(ex, path, doing);
        }
    }
}
