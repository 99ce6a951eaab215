using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>SQLite's errors told apart by kind (<see cref="StoreFailure"/>) and wrapped in the store's own exception.</summary>
internal static class SqliteErrors
{
    // SQLite's primary result codes (sqlite.org/rescode.html).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    internal static StoreFailure KindOf(SqliteException ex) => ex.SqliteErrorCode switch
    {
        Corrupt or NotADatabase => StoreFailure.Corrupt,
        Full => StoreFailure.DiskFull,
        Busy or Locked => StoreFailure.Busy,
        CantOpen or IoError or ReadOnly => StoreFailure.Unavailable,
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
