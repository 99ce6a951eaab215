using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federation.Testing;

/// <summary>Damages a closed SQLite store the way a torn write or a bad sector does (issue 25, item 4).</summary>
public static class StoreDamage
{
    /// <summary>
    /// Writes garbage over the root b-tree page of <paramref name="table"/> (a multi-page table:
    /// its root is an interior page). The store must be closed, its write-ahead log checkpointed.
    /// </summary>
    public static void DamagePage(string path, string table = "p_persons")
    {
        int page, pageSize;
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = $table";
            command.Parameters.AddWithValue("$table", table);
            page = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            command.CommandText = "PRAGMA page_size";
            pageSize = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        if (page < 2)
        {
            throw new InvalidOperationException($"{path} has no table {table} to damage.");
        }
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = (long)(page - 1) * pageSize;
        file.Write(Enumerable.Repeat((byte)0x5A, pageSize).ToArray());
    }
}
