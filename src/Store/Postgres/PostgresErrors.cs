using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>PostgreSQL's errors told apart by kind (<see cref="StoreFailure"/>) and wrapped in the store's own exception.</summary>
internal static class PostgresErrors
{
    internal static StoreFailure KindOf(NpgsqlException ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.DiskFull } => StoreFailure.DiskFull,
        PostgresException { SqlState: PostgresErrorCodes.DataCorrupted or PostgresErrorCodes.IndexCorrupted } => StoreFailure.Corrupt,
        PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.TooManyConnections } => StoreFailure.Busy,
        PostgresException server when server.SqlState.StartsWith("08", StringComparison.Ordinal) || server.SqlState.StartsWith("57P", StringComparison.Ordinal) => StoreFailure.Unavailable,
        PostgresException => StoreFailure.Failed,
        // Not an error the server sent: the connection itself (refused, broken, timed out).
        _ => StoreFailure.Unavailable,
    };

    /// <summary>The store's exception for PostgreSQL's <paramref name="ex"/> on the database <paramref name="where"/> (no password), <paramref name="doing"/> what.</summary>
    internal static StoreException Wrap(NpgsqlException ex, string where, string doing) =>
        StoreErrors.Wrap(ex, KindOf(ex), where, doing, ex is PostgresException server ? $"PostgreSQL {server.SqlState}: {server.MessageText}" : "PostgreSQL: " + ex.Message);

    /// <summary>Runs <paramref name="read"/>, wrapping PostgreSQL's failure in the store's exception.</summary>
    internal static T Guard<T>(string where, string doing, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (NpgsqlException ex)
        {
            throw Wrap(ex, where, doing);
        }
    }
}
