using System.Buffers;
using System.Text;
using Federation.Store.Sqlite;

namespace Federation.Store;

/// <summary>
/// The packed form of snapshot records, for streaming without per-record objects: UTF-8 lines
/// <c>origin TAB value TAB … value LF</c> in canonical order (values in the dataset's column
/// order, valid as 1/0) — byte for byte the lines the snapshot digest hashes, so a receiver can
/// hash a packed batch as it is. Values never contain TAB or LF (the importer refuses them).
/// </summary>
public static class PackedRecords
{
    public const byte Tab = (byte)'\t';
    public const byte LineFeed = (byte)'\n';

    /// <summary>Splits one line (without its LF) into its fields; returns how many (at most <paramref name="fields"/>.Length).</summary>
    public static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var start = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == Tab)
            {
                if (count == fields.Length - 1)
                {
                    return fields.Length + 1; // too many: the caller reports the count it expected
                }
                fields[count++] = start..i;
                start = i + 1;
            }
        }
        fields[count++] = start..line.Length;
        return count;
    }

    /// <summary>The origin and the natural key (the first value) of the last line of a packed batch.</summary>
    public static (string Origin, string Key) LastPosition(ReadOnlySpan<byte> packed)
    {
        var body = packed[..^1];
        var line = body[(body.LastIndexOf(LineFeed) + 1)..];
        var originEnd = line.IndexOf(Tab);
        var rest = line[(originEnd + 1)..];
        var keyEnd = rest.IndexOf(Tab);
        return (Encoding.UTF8.GetString(line[..originEnd]), Encoding.UTF8.GetString(keyEnd < 0 ? rest : rest[..keyEnd]));
    }

    /// <summary>
    /// Packs records (a child that sends them one by one, or a test) into the packed form; refuses
    /// a record without an origin, with the wrong number of values, or with a TAB or LF in a value.
    /// </summary>
    public static ReadOnlyMemory<byte> Pack(Dataset dataset, IEnumerable<OriginRecord> records, string source)
    {
        var builder = new StringBuilder();
        foreach (var (origin, values) in records)
        {
            if (origin.Length == 0 || values.Count != dataset.Columns.Count || values.Prepend(origin).Any(v => v.Contains('\t', StringComparison.Ordinal) || v.Contains('\n', StringComparison.Ordinal)))
            {
                throw new StoreException($"A {dataset.Name} record from {source} does not have an origin and {dataset.Columns.Count} values without TAB or LF.");
            }
            builder.Append(origin);
            foreach (var value in values)
            {
                builder.Append('\t').Append(value);
            }
            builder.Append('\n');
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>What to do with one record of a packed batch: its line, and the ranges of its origin then its values.</summary>
    internal delegate void RecordAction(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields);

    /// <summary>
    /// Calls <paramref name="action"/> for each record of a received batch after checking its shape
    /// (a whole line, an origin and the dataset's number of values); returns how many there were.
    /// </summary>
    internal static long ForEachRecord(ReadOnlySpan<byte> batch, Dataset dataset, string source, RecordAction action)
    {
        Span<Range> fields = stackalloc Range[dataset.Columns.Count + 1];
        long count = 0;
        var rest = batch;
        while (rest.Length > 0)
        {
            var end = rest.IndexOf(LineFeed);
            if (end < 0)
            {
                throw new StoreException($"A packed {dataset.Name} batch from {source} ends in the middle of a record.");
            }
            var line = rest[..end];
            rest = rest[(end + 1)..];
            if (Split(line, fields) != fields.Length || line[fields[0]].Length == 0)
            {
                throw new StoreException($"A packed {dataset.Name} record from {source} does not have an origin and {dataset.Columns.Count} values.");
            }
            action(line, fields);
            count++;
        }
        return count;
    }

    internal static void AppendRow(ArrayBufferWriter<byte> buffer, RawStatement row, Dataset dataset)
    {
        Append(buffer, row.ColumnBytes(0));
        for (var i = 0; i < dataset.Columns.Count; i++)
        {
            buffer.GetSpan(1)[0] = Tab;
            buffer.Advance(1);
            if (i == dataset.ValidColumn)
            {
                buffer.GetSpan(1)[0] = row.ColumnInt64(i + 1) != 0 ? (byte)'1' : (byte)'0';
                buffer.Advance(1);
            }
            else
            {
                Append(buffer, row.ColumnBytes(i + 1));
            }
        }
        buffer.GetSpan(1)[0] = LineFeed;
        buffer.Advance(1);
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }
}
