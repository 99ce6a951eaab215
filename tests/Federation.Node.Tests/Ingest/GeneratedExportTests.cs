using Federation.DataGen;
using Federation.Node.Ingest;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Federation.Node.Tests.Ingest;

/// <summary>A generated export with defects of every kind: exactly the defective rows are rejected.</summary>
public sealed class GeneratedExportTests : IDisposable
{
    // When the periods were sealed: after every as-of date used here (a period cannot be sealed before its date).
    private static readonly DateTimeOffset SealedAt = new(2026, 12, 1, 8, 0, 0, TimeSpan.FromHours(8));

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static ImportResult Import(SqliteStore store, string export, string rejects)
    {
        var validator = new RecordValidator(DivisionTable.Default.JurisdictionOf("440100"), DivisionTable.Default, new DateOnly(2026, 11, 20));
        return new Importer(store.Staging, validator, NullLogger.Instance).ImportAsync(Importer.Plan([export]), rejects, null, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Fact]
    public void GeneratedExport_RejectsExactlyTheDefectiveRows_ThenSealsTheSameDigestTwice()
    {
        // Arrange
        var export = Path.Combine(_directory.Path, "export");
        var summary = ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 3000, Seed = 7, DefectRate = 0.05 }, export);
        Assert.True(summary.DefectsByKind.Count >= 12, $"expected defects of every kind, got {string.Join(", ", summary.DefectsByKind.Keys)}");

        // Act
        using var store = SqliteStore.Open(new StoreOptions { Path = _directory.File("a.db") });
        var result = Import(store, export, _directory.File("rejects.csv"));
        var again = Import(store, export, _directory.File("rejects2.csv"));

        // Assert: the rejects report names exactly the rows the generator made defective
        var defects = File.ReadAllLines(Path.Combine(export, "defects.csv")).Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))).ToHashSet();
        var rejected = File.ReadAllLines(_directory.File("rejects.csv")).Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))).ToHashSet();
        Assert.Equal(summary.Defects, defects.Count);
        Assert.Empty(defects.Except(rejected));
        Assert.Empty(rejected.Except(defects));
        Assert.Equal(summary.TotalRows - summary.Defects, result.Accepted);
        Assert.Equal(0, again.Changed);

        // The same export in another store seals to the same digest.
        var digest = store.Periods.Seal(new DateOnly(2026, 10, 31), SealedAt).Digest;
        using var other = SqliteStore.Open(new StoreOptions { Path = _directory.File("b.db") });
        Import(other, export, _directory.File("rejects3.csv"));
        Assert.Equal(digest, other.Periods.Seal(new DateOnly(2026, 10, 31), SealedAt).Digest);
    }

    [Fact]
    public void Generator_SameSeed_SameFiles()
    {
        var a = Path.Combine(_directory.Path, "a");
        var b = Path.Combine(_directory.Path, "b");
        ExportGenerator.Generate(new GeneratorOptions { Persons = 500, Seed = 3, DefectRate = 0.1 }, a);
        ExportGenerator.Generate(new GeneratorOptions { Persons = 500, Seed = 3, DefectRate = 0.1 }, b);
        foreach (var file in Directory.GetFiles(a))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(b, Path.GetFileName(file))));
        }
    }
}
