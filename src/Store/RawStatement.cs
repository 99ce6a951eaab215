using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Federation.Store;

/// <summary>
/// A statement prepared once on a connection's native handle and stepped through SQLitePCL
/// directly. Used only on the import's hot path, where Microsoft.Data.Sqlite's per-execution
/// reader and parameter objects cost more than SQLite's own work (measured: bench/store). It runs
/// inside whatever transaction the connection has open. Not thread-safe.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Binds text to a 1-based parameter.</summary>
    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Binds an integer to a 1-based parameter.</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Runs a write; returns the rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            Throw(rc);
        }
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Runs a query; returns its first row's first column as text, or null when there is no row.</summary>
    public string? QueryText()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            return rc switch
            {
                raw.SQLITE_ROW => raw.sqlite3_column_text(_statement, 0).utf8_to_string(),
                raw.SQLITE_DONE => null,
                _ => Throw(rc),
            };
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            Throw(rc);
        }
    }

    private string Throw(int rc) => throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
}
