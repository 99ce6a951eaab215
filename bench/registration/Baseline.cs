using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Data.Sqlite;

namespace Federation.Bench.Registration;

/// <summary>
/// The baseline's ministry: one gRPC server in this process (Kestrel, h2c on loopback, the stack
/// the nodes run on) whose <c>Push</c> commits each exit to a SQLite file before it answers — WAL
/// and synchronous=FULL, the durability of the node's registration journal — one transaction per
/// record on one connection, as the journal commits each change. No tree, no TLS, no feed.
/// </summary>
internal sealed class Baseline : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SinkDatabase _database;

    private Baseline(WebApplication app, SinkDatabase database)
    {
        _app = app;
        _database = database;
    }

    public static async Task<Baseline> StartAsync(string databasePath, int port)
    {
        var database = new SinkDatabase(databasePath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(database);
        var app = builder.Build();
        app.MapGrpcService<SinkService>();
        await app.StartAsync();
        return new Baseline(app, database);
    }

    /// <summary>Exits committed so far.</summary>
    public long Committed => _database.Count();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private sealed class SinkService(SinkDatabase database) : BaselineSink.BaselineSinkBase
    {
        public override Task<Ack> Push(ExitRecord request, ServerCallContext context)
        {
            database.Commit(request);
            return Task.FromResult(new Ack());
        }
    }

    private sealed class SinkDatabase : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly Lock _gate = new();

        public SinkDatabase(string path)
        {
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            _connection.Open();
            using var setup = _connection.CreateCommand();
            setup.CommandText = """
                PRAGMA journal_mode = wal; PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS exits (registration_id TEXT PRIMARY KEY, origin TEXT NOT NULL, reason TEXT NOT NULL, exit_date TEXT NOT NULL) WITHOUT ROWID;
                """;
            setup.ExecuteNonQuery();
        }

        public void Commit(ExitRecord record)
        {
            lock (_gate)
            {
                using var transaction = _connection.BeginTransaction();
                using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO exits (registration_id, origin, reason, exit_date) VALUES ($id, $origin, $reason, $date)";
                insert.Parameters.AddWithValue("$id", record.RegistrationId);
                insert.Parameters.AddWithValue("$origin", record.Origin);
                insert.Parameters.AddWithValue("$reason", record.Reason);
                insert.Parameters.AddWithValue("$date", record.ExitDate);
                insert.ExecuteNonQuery();
                transaction.Commit();
            }
        }

        public long Count()
        {
            lock (_gate)
            {
                using var count = _connection.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM exits";
                return (long)count.ExecuteScalar()!;
            }
        }

        public void Dispose() => _connection.Dispose();
    }
}
