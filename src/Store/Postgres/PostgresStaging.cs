namespace Federation.Store.Postgres;

/// <summary>The city's staged data on PostgreSQL: imports run one at a time.</summary>
public sealed class PostgresStaging : IStaging
{
    private readonly PostgresStore _db;

    internal PostgresStaging(PostgresStore db) => _db = db;

    public IStagingTransaction BeginStaging()
    {
        _db.EnterWrite();
        try
        {
            return new PostgresStagingTransaction(_db.OpenConnection(), () => _db.ReleaseWrite());
        }
        catch
        {
            _db.ReleaseWrite();
            throw;
        }
    }
}
