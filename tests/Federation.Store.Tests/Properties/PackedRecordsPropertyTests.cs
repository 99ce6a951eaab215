using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Federation.Store.Tests.Properties;

/// <summary>
/// The packed form of snapshot records (docs/snapshot-format.md) over generated valid records of
/// every dataset (FsCheck): what a child packs, the parent reads back value for value (UTF-8 of any
/// script, empty values, one record or hundreds), with the batch's last position; a value holding
/// TAB or LF is refused before it could shift a column. (Garbage batches are fuzzed elsewhere; these
/// are round trips of well-formed ones.)
/// </summary>
public sealed class PackedRecordsPropertyTests
{
    private const int Runs = 200;

    // Pieces of values: ASCII, Chinese, a character outside the BMP (a surrogate pair in .NET),
    // accents, spaces and punctuation; never TAB or LF.
    private static readonly Gen<string> Value =
        Gen.ListOf(Gen.Elements(new[] { "0", "9", "a", "Z", " ", "-", ",", "\\", "\"", "\r", "张", "三", "區", "é", "😀", "\u00a0" }))
            .Select(pieces => string.Concat(pieces));

    private static readonly Gen<string> Origin = Gen.Elements(new[] { "local", "city-440100", "city-440300", "province-440000" });

    private static readonly Arbitrary<(Dataset Dataset, List<OriginRecord> Records)> Batches =
        Gen.Elements(Dataset.All.ToArray())
            .SelectMany(dataset => Gen.NonEmptyListOf(
                    from origin in Origin
                    from values in Gen.ListOf(Value, dataset.Columns.Count)
                    select new OriginRecord(origin, [.. values])),
                (dataset, records) => (dataset, records.ToList()))
            .ToArbitrary();

    [Property(MaxTest = Runs)]
    public Property Pack_ThenRead_GivesEveryRecordBack() => Prop.ForAll(Batches, batch =>
    {
        // Arrange
        var (dataset, records) = batch;
        var packed = PackedRecords.Pack(dataset, records, "a test child").ToArray();

        // Act
        var read = new List<OriginRecord>();
        var count = PackedRecords.ForEachRecord(packed, dataset, "a test child", (line, fields) =>
        {
            var values = new string[fields.Length - 1];
            for (var i = 1; i < fields.Length; i++)
            {
                values[i - 1] = Encoding.UTF8.GetString(line[fields[i]]);
            }
            read.Add(new OriginRecord(Encoding.UTF8.GetString(line[fields[0]]), values));
        });

        // Assert: the same records in the same order, and the position after the last of them
        Assert.Equal(records.Count, count);
        Assert.Equal(records.Select(r => (r.Origin, string.Join('\u0001', r.Values))), read.Select(r => (r.Origin, string.Join('\u0001', r.Values))));
        Assert.Equal((records[^1].Origin, records[^1].Values[0]), PackedRecords.LastPosition(packed));
        Assert.Equal((byte)'\n', packed[^1]);
    });

    [Property(MaxTest = Runs)]
    public Property Pack_IsTheLinesTheDigestHashes() => Prop.ForAll(Batches, batch =>
    {
        // The digest's encoding (SnapshotDigest): origin and values joined by TAB, each line ending in LF.
        var (dataset, records) = batch;
        var lines = string.Concat(records.Select(r => string.Join('\t', r.Values.Prepend(r.Origin)) + "\n"));

        Assert.Equal(Encoding.UTF8.GetBytes(lines), PackedRecords.Pack(dataset, records, "a test child").ToArray());
    });

    [Property(MaxTest = Runs)]
    public Property Pack_AValueWithTabOrLineFeed_IsRefusedNamingTheDatasetNotTheValue() =>
        Prop.ForAll(Batches, Arb.From(Gen.Elements(new[] { '\t', '\n' })), (batch, separator) =>
        {
            // Arrange: one value of the last record carries a separator
            var (dataset, records) = batch;
            var last = records[^1];
            var values = last.Values.ToArray();
            values[^1] = "秘密" + separator + values[^1];
            records[^1] = last with { Values = values };

            // Act
            var refused = Assert.Throws<StoreException>(() => PackedRecords.Pack(dataset, records, "a test child"));

            // Assert
            Assert.Contains(dataset.Name, refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("秘密", refused.Message, StringComparison.Ordinal);
        });
}
