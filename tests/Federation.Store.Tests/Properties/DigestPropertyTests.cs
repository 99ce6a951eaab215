using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Federation.Store.Tests.Properties;

/// <summary>
/// The snapshot digest as docs/snapshot-format.md and <see cref="SnapshotDigest"/> promise it, over
/// generated person records staged into real SQLite stores (FsCheck): equal data gives an equal
/// digest whatever order it was imported in; the digest is the spec's — SHA-256 over each dataset's
/// <c>#name</c> line and its records' packed lines in key order — computed here independently of
/// the store; and any one changed value changes it.
/// </summary>
public sealed class DigestPropertyTests
{
    // Each run opens and seals SQLite stores on disk: fewer runs than the pure properties.
    private const int Runs = 25;

    private static readonly DateOnly October = new(2026, 10, 31);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));

    private static readonly Gen<string> Name = Gen.Elements(new[] { "张三", "李四", "王五", "欧阳娜娜", "Zhao Liu", "區美" });

    // Distinct natural keys (the store upserts by key), each with a name, then the same records shuffled.
    private static readonly Arbitrary<(string[][] Persons, string[][] Shuffled)> PersonSets =
        Gen.NonEmptyListOf(Gen.Choose(0, 99_999_999))
            .Select(numbers => numbers.Distinct().ToArray())
            .SelectMany(numbers => Gen.ArrayOf(Name, numbers.Length), (numbers, names) =>
                numbers.Zip(names, (n, name) => SealedPeriodTests.Person($"4401061990{n:D8}", name)).ToArray())
            .SelectMany(persons => Gen.Shuffle(persons), (persons, shuffled) => (persons, shuffled.ToArray()))
            .ToArbitrary();

    [Property(MaxTest = Runs)]
    public Property SameRecords_InAnyImportOrder_SealToTheSpecsDigest() => Prop.ForAll(PersonSets, sets =>
    {
        // Arrange
        using var backend = new SqliteBackend();
        using var inOrder = backend.Open("in-order");
        using var shuffled = backend.Open("shuffled");
        SealedPeriodTests.Stage(inOrder, sets.Persons);
        SealedPeriodTests.Stage(shuffled, sets.Shuffled);

        // Act
        var digest = inOrder.Periods.Seal(October, Now).Digest;

        // Assert
        Assert.Equal(digest, shuffled.Periods.Seal(October, Now).Digest);
        Assert.Equal(SpecDigest("local", sets.Persons), digest);
    });

    [Property(MaxTest = Runs)]
    public Property OneValueChanged_ChangesTheDigest() =>
        Prop.ForAll(PersonSets, Arb.From(Gen.Choose(0, int.MaxValue)), (sets, pick) =>
        {
            // Arrange: one person's name (or validity) differs
            var changed = sets.Persons.Select(p => p.ToArray()).ToArray();
            var person = changed[pick % changed.Length];
            var column = pick % 2 == 0 ? Dataset.Persons.IndexOf("name") : Dataset.Persons.ValidColumn;
            person[column] = column == Dataset.Persons.ValidColumn ? "0" : person[column] + "明";

            // Act / Assert
            Assert.NotEqual(SpecDigest("local", sets.Persons), SpecDigest("local", changed));
            using var backend = new SqliteBackend();
            using var store = backend.Open("changed");
            SealedPeriodTests.Stage(store, changed);
            Assert.Equal(SpecDigest("local", changed), store.Periods.Seal(October, Now).Digest);
        });

    // The digest as docs/snapshot-format.md and SnapshotDigest describe it, of a snapshot holding
    // these persons only: every dataset in the standard's order, records by key (ordinal).
    private static string SpecDigest(string origin, IEnumerable<string[]> persons)
    {
        using var digest = new SnapshotDigest(DigestAlgorithm.Sha256);
        foreach (var dataset in Dataset.All)
        {
            digest.BeginDataset(dataset);
            if (dataset == Dataset.Persons)
            {
                var records = persons.OrderBy(p => p[0], StringComparer.Ordinal).Select(p => new OriginRecord(origin, p));
                digest.AppendBytes(PackedRecords.Pack(dataset, records, "the test").Span);
            }
        }
        return digest.Finish();
    }
}
