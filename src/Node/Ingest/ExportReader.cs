using System.Text;
using System.Text.Json;

namespace Federation.Node.Ingest;

/// <summary>
/// Reads a production-system export file, one record at a time (memory stays flat whatever the
/// file's size): CSV with a header row (UTF-8, or GB18030 when the bytes are not valid UTF-8) or
/// JSON Lines (one object per line, UTF-8). Field names are the standard's column names; the 金保
/// names seen in the field (AAC002, AAC003, …) are accepted as aliases.
/// </summary>
internal static class ExportReader
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AAC002"] = "citizen_id",
        ["AAC003"] = "name",
        ["AAC004"] = "sex",
        ["ADC001"] = "certificate_number",
        ["AAE100"] = "valid",
        ["AJC090"] = "register_date",
        ["ADC310"] = "difficulty_type",
        ["AAB301"] = "household_division",
    };

    static ExportReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static IEnumerable<SourceRecord> Read(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
            ? ReadJsonLines(path)
            : ReadCsv(path);

    private static string Normalize(string column)
    {
        var name = column.Trim().TrimStart('\uFEFF');
        return Aliases.TryGetValue(name, out var alias) ? alias : name.ToLowerInvariant();
    }

    private static Encoding DetectEncoding(string path)
    {
        // Strict UTF-8 over the whole file (streamed): any invalid sequence means GB18030.
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            using var reader = new StreamReader(path, strict, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            var buffer = new char[1 << 16];
            while (reader.Read(buffer, 0, buffer.Length) > 0)
            {
            }
            return strict;
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030");
        }
    }

    private static IEnumerable<SourceRecord> ReadCsv(string path)
    {
        var file = Path.GetFileName(path);
        using var reader = new StreamReader(path, DetectEncoding(path), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var headerLine = reader.ReadLine() ?? throw new ImportException($"{file} is empty: a CSV export needs a header row.");
        var header = SplitCsv(headerLine, file, 1).Select(Normalize).ToArray();
        long line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }
            string[] values;
            string? parseError = null;
            try
            {
                values = SplitCsv(text, file, line);
            }
            catch (FormatException ex)
            {
                values = [];
                parseError = ex.Message;
            }
            if (parseError is not null)
            {
                yield return new SourceRecord(file, line, new Dictionary<string, string> { ["__error"] = parseError });
                continue;
            }
            if (values.Length != header.Length)
            {
                yield return new SourceRecord(file, line, new Dictionary<string, string>
                {
                    ["__error"] = $"has {values.Length} fields, the header has {header.Length}",
                });
                continue;
            }
            var fields = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                fields[header[i]] = values[i];
            }
            yield return new SourceRecord(file, line, fields);
        }
    }

    // RFC 4180 on one line: fields separated by commas, optionally quoted with "" escapes.
    // Values may not contain line breaks (the standard forbids them), so a record is one line.
    internal static string[] SplitCsv(string line, string file, long lineNumber)
    {
        var values = new List<string>();
        var builder = new StringBuilder();
        var i = 0;
        while (true)
        {
            builder.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException("a quoted field is not closed");
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            builder.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    builder.Append(line[i++]);
                }
                if (i < line.Length && line[i] != ',')
                {
                    throw new FormatException("text after a closing quote");
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    builder.Append(line[i++]);
                }
            }
            values.Add(builder.ToString());
            if (i >= line.Length)
            {
                return [.. values];
            }
            i++; // the comma
        }
    }

    private static IEnumerable<SourceRecord> ReadJsonLines(string path)
    {
        var file = Path.GetFileName(path);
        using var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            Dictionary<string, string>? fields = null;
            string? error = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    error = "is not a JSON object";
                }
                else
                {
                    fields = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        fields[Normalize(property.Name)] = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString()!,
                            JsonValueKind.True => "1",
                            JsonValueKind.False => "0",
                            JsonValueKind.Null => "",
                            _ => property.Value.GetRawText(),
                        };
                    }
                }
            }
            catch (JsonException ex)
            {
                error = $"is not valid JSON: {ex.Message}";
            }
            yield return new SourceRecord(file, line, fields ?? new Dictionary<string, string> { ["__error"] = error! });
        }
    }
}

/// <summary>An import that cannot run at all (missing file, empty file, unknown dataset…).</summary>
internal sealed class ImportException(string message) : Exception(message);
