using System.Text;
using Federation.Store.Postgres;
using Federation.Store.Registration;
using Federation.Store.Sqlite;
using Npgsql;

namespace Federation.Testing;

/// <summary>
/// Where a test's registration journals live, so that the journal's tests run on both backends as
/// the store's role suites do: a SQLite file, or a database of the test run's PostgreSQL cluster
/// (<see cref="TestStore"/>'s). Opening the same name again opens the same journal (a restart).
/// </summary>
public abstract class JournalBackend : IDisposable
{
    /// <summary>Opens (creating it the first time) the journal <paramref name="name"/>.</summary>
    public abstract IRegistrationJournal Open(string name);

    /// <summary>Everything the journal <paramref name="name"/> holds, as text (to show what is not in it).</summary>
    public abstract string Text(string name);

    public abstract void Dispose();
}

/// <summary>Journals as files in a temporary directory, <c>&lt;name&gt;.registration.db</c>.</summary>
public sealed class SqliteJournals : JournalBackend
{
    private readonly TempDirectory _directory = new();

    /// <summary>The file of the journal <paramref name="name"/>.</summary>
    public string PathOf(string name) => _directory.File(name + ".registration.db");

    public override IRegistrationJournal Open(string name) => SqliteRegistrationJournal.Open(PathOf(name));

    public override string Text(string name) =>
        string.Concat(new[] { PathOf(name), PathOf(name) + "-wal" }.Where(File.Exists).Select(p =>
        {
            using var stream = new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return Encoding.Latin1.GetString(memory.ToArray());
        }));

    public override void Dispose() => _directory.Dispose();
}

/// <summary>Journals in databases of their own on <paramref name="cluster"/> (null: the test run's, <see cref="TestStore"/>'s).</summary>
public sealed class PostgresJournals(Federation.Shared.PostgresCluster? cluster = null) : JournalBackend
{
    private readonly Dictionary<string, string> _databases = new(StringComparer.Ordinal);

    /// <summary>The connection string of the journal <paramref name="name"/>'s database (made the first time).</summary>
    public string ConnectionString(string name)
    {
        lock (_databases)
        {
            if (!_databases.TryGetValue(name, out var connectionString))
            {
                connectionString = cluster?.Database("j" + Guid.NewGuid().ToString("N")[..12]) ?? TestStore.NewDatabase(name);
                _databases[name] = connectionString;
            }
            return connectionString;
        }
    }

    public override IRegistrationJournal Open(string name) => PostgresRegistrationJournal.Open(ConnectionString(name));

    public override string Text(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionString(name));
        connection.Open();
        var text = new StringBuilder();
        foreach (var table in new[] { "meta", "applications", "registrations", "aliases", "origins", "feed", "cursors", "served", "person_index" })
        {
            using var command = new NpgsqlCommand($"SELECT t::text FROM registration.{table} t", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                text.AppendLine(reader.GetString(0));
            }
        }
        return text.ToString();
    }

    public override void Dispose()
    {
    }
}
