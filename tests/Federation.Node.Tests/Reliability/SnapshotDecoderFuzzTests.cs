using System.Text;
using Federation.Node.Configuration;
using Federation.Node.Exchange.Parent;
using Federation.Protocol.V1;
using Federation.Store;
using Google.Protobuf;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Node.Tests.Reliability;

/// <summary>
/// Fuzzing of a parent's decoding of a child's snapshot stream (issue 25, item 2;
/// docs/snapshot-format.md): a <see cref="SnapshotChunk"/> carrying a packed batch mutated from the
/// corpus, with an honest or a lying <c>packed_records</c>, and now and then the protobuf bytes
/// themselves damaged — lengths and tags included. Invariant: parsing and the receipt check
/// (<see cref="ReceiptCheck.CheckBatch"/>, what <see cref="ChildPuller"/> runs) throw nothing but
/// <see cref="InvalidProtocolBufferException"/>, <see cref="RecordRefusedException"/> (naming the
/// child, dataset and field) or <see cref="StoreException"/> (naming the child); memory stays
/// proportional to the bytes received whatever a length field claims; and an accepted batch holds
/// the number of records it says and round-trips: its records decoded and packed again are the same
/// bytes (what the digest hashes), and its last position is its last record's.
/// </summary>
public sealed class SnapshotDecoderFuzzTests(ITestOutputHelper output)
{
    private static readonly ChildOptions Shenzhen = new() { Id = "city-440300", DivisionCode = "440300", Address = "https://127.0.0.1:1" };
    private static readonly Period Period = Period.Parse("2026-11-30");

    private static readonly string[] Tokens =
    [
        "\t", "\n", "\t\t", "\n\n", "city-440300", "city-440100", "\r", "\0", "\u00e9", "\uFEFF", "1", "0", "2", "440300", "440106", "2027-01-01",
        "2026-02-29", "44030419780120429x", "440304197801204296", "高",
    ];

    [Fact]
    public void PackedBatches_MutatedAndLiedAbout_AreRefusedWithTheChildNamed_OrAcceptedAndRoundTrip()
    {
        // The first decoding of each dataset loads tables and rules once (about 2.5 MB, seen by the
        // full run): done before counting what an execution allocates.
        foreach (var (name, bytes) in Fuzzer.Corpus("packed"))
        {
            try
            {
                var dataset = Dataset.Find(name[..name.IndexOf('-', StringComparison.Ordinal)])!;
                new ReceiptCheck(Shenzhen, Period).CheckBatch(dataset, new RecordBatch { Dataset = dataset.Name, Packed = ByteString.CopyFrom(bytes), PackedRecords = bytes.Count(b => b == '\n') });
            }
            catch (Exception ex) when (ex is RecordRefusedException or StoreException)
            {
            }
        }
        Fuzzer.Run("packed", 3000, Tokens, DecodeOnce, output);
    }

    [Fact]
    public void Chunk_WhoseLengthFieldClaimsTwoGigabytes_IsRefusedWithoutAllocatingIt()
    {
        // field 2 (records, length-delimited) claiming 0x7FFFFFF0 bytes, followed by 3 bytes.
        byte[] wire = [0x12, 0xF0, 0xFF, 0xFF, 0xFF, 0x07, 0x0A, 0x01, 0x41];
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<InvalidProtocolBufferException>(() => SnapshotChunk.Parser.ParseFrom(wire));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Batch_SayingMoreRecordsThanItHolds_IsRefusedNamingTheChild()
    {
        var batch = new RecordBatch
        {
            Dataset = "persons",
            Packed = ByteString.CopyFrom(Fuzzer.Corpus("packed").Single(f => f.Name == "persons-1.tsv").Bytes),
            PackedRecords = 1_000_000,
        };

        var refused = Assert.Throws<StoreException>(() => new ReceiptCheck(Shenzhen, Period).CheckBatch(Dataset.Persons, batch));

        Assert.Contains("city-440300", refused.Message, StringComparison.Ordinal);
        Assert.Contains("says 1000000", refused.Message, StringComparison.Ordinal);
    }

    // Found by fuzzing (corpus employers-crash-fc1b200a.tsv): a value that is not UTF-8 was
    // accepted, stored and hashed as it came, yet read back as U+FFFD.
    [Fact]
    public void Batch_WithAValueThatIsNotUtf8_IsRefusedNamingTheField()
    {
        var line = Encoding.UTF8.GetBytes("city-440300\t440304197801204296\t").Concat(new byte[] { 0xE9, 0x30, 0x99 })
            .Concat(Encoding.UTF8.GetBytes("\t1\t1978-01-20\t440304\t2\t440304\t1\n")).ToArray();
        var batch = new RecordBatch { Dataset = "persons", Packed = ByteString.CopyFrom(line), PackedRecords = 1 };

        var refused = Assert.Throws<RecordRefusedException>(() => new ReceiptCheck(Shenzhen, Period).CheckBatch(Dataset.Persons, batch));

        Assert.Equal(("name", "is not valid UTF-8"), (refused.Field, refused.Reason));
        Assert.DoesNotContain("440304197801204296", refused.Message, StringComparison.Ordinal);
    }

    private static void DecodeOnce(FuzzCase c)
    {
        var dataset = Dataset.Find(c.SeedName[..c.SeedName.IndexOf('-', StringComparison.Ordinal)])!;
        var random = new Random(c.Noise ^ 0x5BD1E995);
        var lines = c.Bytes.AsSpan().Count((byte)'\n');
        var batch = new RecordBatch
        {
            Dataset = random.Next(50) == 0 ? "persons\0" : dataset.Name,
            Packed = ByteString.CopyFrom(c.Bytes),
            PackedRecords = random.Next(8) == 0 ? random.Next(-2, lines + 3) : lines,
            Cursor = new SnapshotCursor { Dataset = dataset.Name, AfterOrigin = "city-440300", AfterKey = "k" },
        };
        var wire = new SnapshotChunk { Records = batch }.ToByteArray();
        if (random.Next(4) == 0)
        {
            for (var n = random.Next(1, 4); n > 0 && wire.Length > 0; n--)
            {
                wire[random.Next(wire.Length)] = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var chunk = SnapshotChunk.Parser.ParseFrom(wire);
            if (chunk.PartCase != SnapshotChunk.PartOneofCase.Records || Dataset.Find(chunk.Records.Dataset) is not { } received)
            {
                return; // the puller refuses a chunk of an unknown dataset by its name
            }
            var pieces = new ReceiptCheck(Shenzhen, Period).CheckBatch(received, chunk.Records);
            Accepted(received, chunk.Records, pieces);
        }
        catch (InvalidProtocolBufferException)
        {
        }
        catch (RecordRefusedException refused)
        {
            Assert.Equal("city-440300", refused.ChildId);
            Assert.True(refused.Field.Length > 0 && refused.Reason.Length > 0, refused.Message);
            Assert.StartsWith("city-440300's period 2026-11-30 refused at receipt: ", refused.Message, StringComparison.Ordinal);
        }
        catch (StoreException refused)
        {
            Assert.Contains("city-440300", refused.Message, StringComparison.Ordinal);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < (2 << 20) + 64L * wire.Length, $"decoding {wire.Length} bytes allocated {allocated} bytes");
    }

    private static void Accepted(Dataset dataset, RecordBatch batch, IReadOnlyList<ReadOnlyMemory<byte>> pieces)
    {
        var records = new List<OriginRecord>();
        foreach (var piece in pieces)
        {
            var decoded = Decode(piece.Span);
            var packed = PackedRecords.Pack(dataset, decoded, "the test");
            if (!piece.Span.SequenceEqual(packed.Span))
            {
                Assert.Equal(piece.ToArray(), packed.ToArray());
            }
            if (decoded.Count > 0)
            {
                Assert.Equal((decoded[^1].Origin, decoded[^1].Values[0]), PackedRecords.LastPosition(piece.Span));
            }
            records.AddRange(decoded);
        }
        Assert.Equal(batch.Records.Count + batch.PackedRecords, records.Count);
        foreach (var record in records)
        {
            Assert.True(record.Values.Count == dataset.Columns.Count, $"a record of {record.Values.Count} values, {dataset.Name} has {dataset.Columns.Count} columns");
        }
        if (pieces.Count == 0)
        {
            return; // an empty batch saying 0 records: nothing to store or hash
        }
        using var digest = new TransferDigest(DigestAlgorithm.Sha256);
        foreach (var piece in pieces)
        {
            digest.AppendPacked(dataset, piece.Span);
        }
        Assert.Equal(records.Count, digest.Counts[dataset.Name]);
        Assert.Equal(64, digest.Finish().Length);
    }

    private static List<OriginRecord> Decode(ReadOnlySpan<byte> packed)
    {
        var records = new List<OriginRecord>();
        foreach (var line in Encoding.UTF8.GetString(packed).Split('\n')[..^1])
        {
            var fields = line.Split('\t');
            records.Add(new OriginRecord(fields[0], fields[1..]));
        }
        return records;
    }
}
