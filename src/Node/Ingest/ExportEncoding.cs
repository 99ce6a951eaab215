using System.Text;

namespace Federation.Node.Ingest;

/// <summary>
/// The character encoding of a run's CSV exports, chosen by the operator (<c>--encoding</c>,
/// default UTF-8) — never guessed. A file that is not valid in the chosen encoding is refused
/// before any of its rows is read, naming the line and byte offset of the first bad byte: a
/// guess would store names as mojibake that no later check can tell from real ones.
/// JSON Lines is UTF-8 by its standard (RFC 8259 §8.1) whatever the option says.
/// </summary>
internal sealed class ExportEncoding
{
    public static readonly ExportEncoding Utf8 = new("utf-8", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));

    // GB 18030 is a superset of GBK and GB 2312, so one decoder reads the three; the exception
    // fallback makes an invalid sequence an error instead of a U+FFFD.
    public static readonly ExportEncoding Gb18030 = new("gb18030", StrictCodePage("GB18030"));

    /// <summary>The names the option accepts.</summary>
    public static readonly IReadOnlyList<string> Names = ["utf-8", "gb18030"];

    private ExportEncoding(string name, Encoding encoding) => (Name, Encoding) = (name, encoding);

    private static Encoding StrictCodePage(string name)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance); // idempotent
        return Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>The name as the option spells it: <c>utf-8</c> or <c>gb18030</c>.</summary>
    public string Name { get; }

    /// <summary>A strict decoder: invalid bytes throw.</summary>
    public Encoding Encoding { get; }

    /// <summary>Parses the option's value (case-insensitive; utf8, gbk and gb2312 are accepted as aliases); empty means UTF-8.</summary>
    public static ExportEncoding Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "utf-8" or "utf8" => Utf8,
        "gb18030" or "gbk" or "gb2312" => Gb18030,
        _ => throw new ImportException($"Unknown encoding '{name}': use {string.Join(" or ", Names)} (GBK and GB 2312 exports are read as gb18030, their superset)."),
    };

    /// <summary>
    /// Reads the whole file (streamed, memory stays flat) and throws an <see cref="ImportException"/>
    /// naming the line and byte offset of the first byte that is not valid in this encoding, or a
    /// byte order mark of another encoding.
    /// </summary>
    public void Check(string path)
    {
        var file = Path.GetFileName(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var bytes = new byte[1 << 16];
        var chars = new char[Encoding.GetMaxCharCount(bytes.Length)];
        var decoder = Encoding.GetDecoder();
        long offset = 0;
        long line = 1;
        int read;
        while ((read = ReadFully(stream, bytes)) > 0)
        {
            var start = 0;
            if (offset == 0)
            {
                start = CheckByteOrderMark(bytes.AsSpan(0, read), file);
            }
            try
            {
                decoder.GetChars(bytes, start, read - start, chars, 0, flush: false);
            }
            catch (DecoderFallbackException ex)
            {
                // Index is relative to this chunk; negative when the sequence began in the previous one.
                var at = start + ex.Index;
                line += bytes.AsSpan(0, Math.Max(0, at)).Count((byte)'\n');
                throw Invalid(file, line, offset + at);
            }
            line += bytes.AsSpan(0, read).Count((byte)'\n');
            offset += read;
        }
        try
        {
            decoder.GetChars([], 0, 0, chars, 0, flush: true);
        }
        catch (DecoderFallbackException)
        {
            throw new ImportException($"{file} line {line}: the file ends in the middle of a {Label} character (byte {offset}); it was cut short.");
        }
    }

    private string Label => this == Utf8 ? "UTF-8" : "GB18030";

    private ImportException Invalid(string file, long line, long offset)
    {
        var hint = this == Utf8
            ? " If the export is in GB18030 (or GBK), import it with --encoding gb18030."
            : " Check the export's encoding; --encoding utf-8 reads UTF-8.";
        return new ImportException($"{file} line {line}, byte offset {offset}: the bytes are not valid {Label}, the encoding this import reads.{hint}");
    }

    // UTF-16 and UTF-32 byte order marks are refused (StreamReader would otherwise switch to them
    // silently); a UTF-8 one is skipped in UTF-8 and refused in GB18030, where it would decode as text.
    private int CheckByteOrderMark(ReadOnlySpan<byte> head, string file)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw new ImportException($"{file} line 1, byte offset 0: the file starts with a UTF-16 or UTF-32 byte order mark; export it as UTF-8 or GB18030.");
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return this == Utf8
                ? 3
                : throw new ImportException($"{file} line 1, byte offset 0: the file starts with a UTF-8 byte order mark, but this import reads {Label}; import it with --encoding utf-8.");
        }
        return 0;
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }
        return total;
    }
}
