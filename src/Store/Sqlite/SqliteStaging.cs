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

    /// <summary>Streams the staged records of one dataset, ordered by natural key.</summary>
    public IEnumerable<string[]> ReadStaged(Dataset dataset)
    {
        using var connection = _db.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", dataset.Columns)} FROM s_{dataset.Name} ORDER BY {dataset.KeyColumn}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return SqliteStore.ReadRow(reader, dataset);
        }
    }
}
