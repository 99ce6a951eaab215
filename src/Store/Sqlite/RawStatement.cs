using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Federation.Store.Sqlite;

/// <summary>
/// A statement prepared once on a connection's native handle and stepped through SQLitePCL
/// directly. Used only on hot paths (import, snapshot streaming), where Microsoft.Data.Sqlite's per-execution
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

    /// <summary>Binds UTF-8 text to a 1-based parameter (SQLite copies it).</summary>
    public void Bind(int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, index, utf8));

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

    /// <summary>Steps a query to its next row; false when there are no more (then the statement is reset).</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        raw.sqlite3_reset(_statement);
        return rc == raw.SQLITE_DONE ? false : throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
    }

    /// <summary>A column of the current row as its bytes (UTF-8 for text), valid until the next step.</summary>
    public ReadOnlySpan<byte> ColumnBytes(int index) => raw.sqlite3_column_blob(_statement, index);

    /// <summary>A column of the current row as an integer.</summary>
    public long ColumnInt64(int index) => raw.sqlite3_column_int64(_statement, index);

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
