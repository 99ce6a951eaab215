using Npgsql;

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

    public IEnumerable<string[]> ReadStaged(Dataset dataset)
    {
        using var connection = _db.OpenConnection();
        using var command = new NpgsqlCommand($"SELECT {PostgresStore.Columns(dataset)} FROM s_{dataset.Name} ORDER BY {dataset.KeyColumn}", connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return PostgresStore.ReadRow(reader, dataset, 0);
        }
    }
}
