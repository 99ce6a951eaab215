using Federation.Store.Sqlite;
using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests;

/// <summary>
/// Found by the crash campaign (issue 25, item 1; docs/reliability.md): a restore or a restore
/// drill killed half-way left whole copies of the store beside it (<c>.restore-drill-*.db</c>,
/// <c>&lt;store&gt;.restore</c>, the security database's <c>.restore</c>) that nothing deleted. The
/// node deletes them at start-up (<see cref="SqliteBackups.DeleteRestoreLeftovers"/>), and nothing else.
/// </summary>
public sealed class RestoreLeftoversTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void CopiesLeftByAKilledRestoreOrDrill_AreDeleted_TheStoreAndItsNeighboursAreNot()
    {
        var store = _directory.File("city-440100.db");
        var security = _directory.File("city-440100.security.db");
        string[] kept = [store, store + "-wal", security, _directory.File("city-440100.registration.db"), _directory.File("notes.restore-drill.txt")];
        string[] left = [_directory.File(".restore-drill-0123abcd.db"), _directory.File(".restore-drill-0123abcd.db-wal"), store + ".restore", security + ".restore"];
        foreach (var file in kept.Concat(left))
        {
            File.WriteAllText(file, "x");
        }

        Assert.Equal(left.Length, SqliteBackups.DeleteRestoreLeftovers(store, security));

        Assert.All(left, file => Assert.False(File.Exists(file), file));
        Assert.All(kept, file => Assert.True(File.Exists(file), file));
        Assert.Equal(0, SqliteBackups.DeleteRestoreLeftovers(store, security));
    }
}
