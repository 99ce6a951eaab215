using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>
/// One thread's read-only connection for point look-ups, with its statements prepared once and
/// reused: verification runs thousands of look-ups a second, and opening a connection or
/// compiling a statement costs more than running it. A session is used by one thread at a time
/// (look-ups are synchronous), so nothing here is shared.
/// </summary>
internal sealed class SqliteLookupSession(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The prepared command for <paramref name="sql"/> with these parameter values.</summary>
    public SqliteCommand Command(string sql, params (string Name, string Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(name, SqliteType.Text);
            }
            command.Prepare();
            _commands[sql] = command;
        }
        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = value;
        }
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        connection.Dispose();
    }
}
