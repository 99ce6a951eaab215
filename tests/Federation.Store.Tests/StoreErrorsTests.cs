using Federation.Store.Postgres;
using Federation.Store.Security;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Database failures leave the store as its own exception (<see cref="StoreException"/> with a
/// <see cref="StoreFailure"/> kind), so nothing above the store catches SQLite's or PostgreSQL's:
/// the kind told from each driver's error, and the real failures a node's health check and its
/// monthly backup meet.
/// </summary>
public sealed class StoreErrorsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(11, StoreFailure.Corrupt)] // SQLITE_CORRUPT
    [InlineData(26, StoreFailure.Corrupt)] // SQLITE_NOTADB
    [InlineData(13, StoreFailure.DiskFull)] // SQLITE_FULL
    [InlineData(5, StoreFailure.Busy)] // SQLITE_BUSY
    [InlineData(6, StoreFailure.Busy)] // SQLITE_LOCKED
    [InlineData(14, StoreFailure.Unavailable)] // SQLITE_CANTOPEN
    [InlineData(10, StoreFailure.Unavailable)] // SQLITE_IOERR
    [InlineData(1, StoreFailure.Failed)] // SQLITE_ERROR
    public void SqliteErrors_TellTheKind_AndNameTheFileAndWhat(int code, StoreFailure kind)
    {
        var wrapped = SqliteErrors.Wrap(new SqliteException("the driver's words", code), "/var/lib/federation/node.db", "reading the manifests");

        Assert.Equal(kind, wrapped.Kind);
        Assert.IsType<SqliteException>(wrapped.InnerException);
        Assert.Contains("/var/lib/federation/node.db", wrapped.Message, StringComparison.Ordinal);
        Assert.Contains("reading the manifests", wrapped.Message, StringComparison.Ordinal);
        Assert.Contains("SQLite: the driver's words", wrapped.Message, StringComparison.Ordinal);
        if (kind == StoreFailure.Corrupt)
        {
            Assert.Contains("Federation.Node restore --config <the node's config> <backup .db>", wrapped.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("53100", StoreFailure.DiskFull)] // disk_full
    [InlineData("XX001", StoreFailure.Corrupt)] // data_corrupted
    [InlineData("XX002", StoreFailure.Corrupt)] // index_corrupted
    [InlineData("40001", StoreFailure.Busy)] // serialization_failure
    [InlineData("40P01", StoreFailure.Busy)] // deadlock_detected
    [InlineData("53300", StoreFailure.Busy)] // too_many_connections
    [InlineData("57P01", StoreFailure.Unavailable)] // admin_shutdown
    [InlineData("08006", StoreFailure.Unavailable)] // connection_failure
    [InlineData("42P01", StoreFailure.Failed)] // undefined_table
    public void PostgresErrors_TellTheKind_AndNameTheDatabaseAndWhat(string sqlState, StoreFailure kind)
    {
        var wrapped = PostgresErrors.Wrap(new PostgresException("the server's words", "ERROR", "ERROR", sqlState), "ministry on db.example:5432", "reading the manifests");

        Assert.Equal(kind, wrapped.Kind);
        Assert.Contains("ministry on db.example:5432", wrapped.Message, StringComparison.Ordinal);
        Assert.Contains($"PostgreSQL {sqlState}: the server's words", wrapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresErrors_AConnectionThatFails_IsUnavailable()
    {
        Assert.Equal(StoreFailure.Unavailable, PostgresErrors.Wrap(new NpgsqlException("Failed to connect to 127.0.0.1:1"), "x", "opening").Kind);
    }

    [Fact]
    public void BackupTo_ADestinationThatCannotBeWritten_IsAStoreException_NamingTheStore()
    {
        var path = _directory.File("node.db");
        using var store = SqliteStore.Open(new StoreOptions { Path = path, NodeId = "city-440100" });

        var refused = Assert.Throws<StoreException>(() => store.BackupTo(Path.Combine(_directory.File("no-such-directory"), "backup.db")));

        Assert.NotEqual(StoreFailure.Refused, refused.Kind);
        Assert.IsType<SqliteException>(refused.InnerException);
        Assert.StartsWith($"{path}: writing a backup failed", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecurityDatabase_ThatIsNotADatabase_IsRefusedAsDamaged_NotWithTheDriversException()
    {
        var path = _directory.File("node.security.db");
        File.WriteAllBytes(path, [.. Enumerable.Repeat((byte)0x5A, 8192)]);

        var refused = Assert.Throws<StoreException>(() => AccountStore.Open(path));

        Assert.Equal(StoreFailure.Corrupt, refused.Kind);
        Assert.StartsWith($"The store {path} is damaged (found while opening the security database: SQLite: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsDiskFull_KnowsTheStoresOwnKind()
    {
        Assert.True(StoreIntegrity.IsDiskFull(new StoreException("full", null, StoreFailure.DiskFull)));
        Assert.True(StoreIntegrity.IsDiskFull(SqliteErrors.Wrap(new SqliteException("database or disk is full", 13), "node.db", "sealing")));
        Assert.False(StoreIntegrity.IsDiskFull(new StoreException("refused")));
    }
}
