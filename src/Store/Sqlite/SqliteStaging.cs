namespace Federation.Store.Sqlite;

/// <summary>The city's staged data on SQLite: imports run one at a time on the writer connection.</summary>
public sealed class SqliteStaging : IStaging
{
    private readonly SqliteStore _db;

    internal SqliteStaging(SqliteStore db) => _db = db;

    /// <summary>Starts a staging transaction (an import). Only one runs at a time; dispose without <see cref="SqliteStagingTransaction.Commit"/> to roll back.</summary>
    public IStagingTransaction BeginStaging()
    {
        _db.EnterWrite();
        try
        {
            return new SqliteStagingTransaction(_db.Writer, () => _db.ReleaseWrite());
        }
        catch
        {
            _db.ReleaseWrite();
            throw;
        }
    }
}
