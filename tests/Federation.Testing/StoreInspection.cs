using Federation.Store;
using Federation.Store.Postgres;
using Federation.Store.Sqlite;
using Npgsql;

namespace Federation.Testing;

/// <summary>
/// What tests read or write beside the store's roles, which carry only what the node uses: the
/// staged rows and a transfer's cursor, read from the database directly, and a batch of records
/// appended to a transfer in the exchange's packed form.
/// </summary>
public static class StoreInspection
{
    /// <summary>The staged records of one dataset, ordered by natural key (values in <see cref="Dataset.Columns"/> order).</summary>
    public static IReadOnlyList<string[]> ReadStaged(this INodeStore store, Dataset dataset)
    {
        var sql = $"SELECT {string.Join(", ", dataset.Columns)} FROM s_{dataset.Name} ORDER BY {dataset.KeyColumn}";
        var rows = new List<string[]>();
        switch (store)
        {
            case SqliteStore sqlite:
            {
                using var connection = sqlite.OpenReader();
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    rows.Add(SqliteStore.ReadRow(reader, dataset));
                }
                return rows;
            }
            case PostgresStore postgres:
            {
                using var connection = postgres.OpenConnection();
                using var command = new NpgsqlCommand(sql, connection);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    rows.Add(PostgresStore.ReadRow(reader, dataset, 0));
                }
                return rows;
            }
            default:
                throw new ArgumentException($"no direct reader for a {store.GetType().Name}", nameof(store));
        }
    }

    /// <summary>The transfer in progress from a child for a period (its cursor), or null.</summary>
    public static TransferState? GetTransfer(this INodeStore store, string childId, Period period)
    {
        using System.Data.Common.DbConnection connection = store switch
        {
            SqliteStore sqlite => sqlite.OpenReader(),
            PostgresStore postgres => postgres.OpenConnection(),
            _ => throw new ArgumentException($"no direct reader for a {store.GetType().Name}", nameof(store)),
        };
        return TransfersSql.Find(connection, childId, period);
    }

    /// <summary>Stores one batch of records into a transfer, packed as the exchange sends them.</summary>
    public static void AppendTransfer(this IChildTransfers transfers, string childId, Period period, Dataset dataset, IReadOnlyList<OriginRecord> records, DateTimeOffset now) =>
        transfers.AppendTransferPacked(childId, period, dataset, [PackedRecords.Pack(dataset, records, childId)], now);
}
