using System.Text;
using System.Text.Json;
using Federation.Store;

namespace Federation.Node.Ingest;

/// <summary>
/// Reads a production-system export file, one record at a time (memory stays flat whatever the
/// file's size): CSV with a header row, in the run's <see cref="ExportEncoding"/> (UTF-8 unless the
/// operator says GB18030), or JSON Lines (one object per line, UTF-8). A file that is not valid in
/// its encoding is refused before its first row is read. Field names are the standard's column names; the 金保
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

    public static IEnumerable<SourceRecord> Read(string path, Dataset dataset, ExportEncoding? encoding = null)
    {
        var jsonLines = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);
        var chosen = jsonLines ? ExportEncoding.Utf8 : encoding ?? ExportEncoding.Utf8;
        chosen.Check(path);
        return jsonLines ? ReadJsonLines(path, dataset) : ReadCsv(path, dataset, chosen);
    }

    /// <summary>The longest line read (in characters); a longer one is rejected without being held in memory.</summary>
    internal const int MaxLineLength = 64 * 1024;

    // Fields that may be JSON numbers (or, for valid, booleans); every other field is a string.
    private static readonly string[] ZeroWhenAbsent = ["baseline_count", "current_count", "contracted", "hired", "separated"];

    private static readonly HashSet<string> NumericFields =
        ["valid", "amount", "monthly_amount", "baseline_count", "current_count", "change", "contracted", "hired", "separated"];

    // A value with a control character (NUL, escape, …) is refused: it would be stored as is and
    // break every system the record later reaches. Tabs and line breaks are the validator's to name.
    private static string? ControlCharacterProblem(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (field, value) in fields)
        {
            foreach (var c in value)
            {
                if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
                {
                    return $"field {field} contains the control character U+{(int)c:X4}";
                }
            }
        }
        return null;
    }

    // Reads a line of at most MaxLineLength characters; a longer one is skipped to its end and
    // reported (null text), so a runaway line cannot take the importer's memory.
    private static bool TryReadLine(StreamReader reader, StringBuilder buffer, out string? text)
    {
        buffer.Clear();
        var any = false;
        var tooLong = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (c == '\n')
            {
                break;
            }
            if (tooLong)
            {
                continue;
            }
            if (buffer.Length >= MaxLineLength)
            {
                tooLong = true;
                buffer.Clear();
                continue;
            }
            buffer.Append((char)c);
        }
        if (!any)
        {
            text = null;
            return false;
        }
        if (!tooLong && buffer.Length > 0 && buffer[^1] == '\r')
        {
            buffer.Length--;
        }
        text = tooLong ? null : buffer.ToString();
        return true;
    }

    private static string Normalize(string column)
    {
        var name = column.Trim().TrimStart('\uFEFF');
        return Aliases.TryGetValue(name, out var alias) ? alias : name.ToLowerInvariant();
    }

    private static IEnumerable<SourceRecord> ReadCsv(string path, Dataset dataset, ExportEncoding encoding)
    {
        var file = Path.GetFileName(path);
        // The check refused every byte order mark but UTF-8's in a UTF-8 file, which this skips.
        using var reader = new StreamReader(path, encoding.Encoding, detectEncodingFromByteOrderMarks: encoding == ExportEncoding.Utf8, bufferSize: 1 << 16);
        var buffer = new StringBuilder();
        if (!TryReadLine(reader, buffer, out var headerLine) || string.IsNullOrWhiteSpace(headerLine))
        {
            throw new ImportException(headerLine is null && reader.EndOfStream && buffer.Length == 0
                ? $"{file} is empty: a CSV export needs a header row naming its columns ({string.Join(",", dataset.Columns)})."
                : $"{file} line 1: the header row is empty or longer than {MaxLineLength} characters; it names the columns ({string.Join(",", dataset.Columns)}).");
        }
        string[] header;
        try
        {
            header = SplitCsv(headerLine, file, 1).Select(Normalize).ToArray();
        }
        catch (FormatException ex)
        {
            // Found by fuzzing (issue 25): a malformed header escaped as a FormatException.
            throw new ImportException($"{file} line 1: the header row cannot be read ({ex.Message}); it names the columns ({string.Join(",", dataset.Columns)}).");
        }
        CheckHeader(file, dataset, header);
        long line = 1;
        long next = 1;
        (string? Text, long Line)? pending = null;
        while (true)
        {
            string? text;
            if (pending is { } held)
            {
                (text, line) = (held.Text, held.Line);
                pending = null;
            }
            else if (TryReadLine(reader, buffer, out text))
            {
                line = ++next;
            }
            else
            {
                break;
            }
            if (text is null)
            {
                yield return new SourceRecord(file, line, new Dictionary<string, string> { ["__error"] = $"is longer than {MaxLineLength} characters" });
                continue;
            }
            if (text.Length == 0)
            {
                continue;
            }
            // RFC 4180: a quoted value may hold line breaks. The record goes on over the next lines
            // until its quotes close, and is reported once, at the line where it starts — not as a
            // broken record and a meaningless second one. A next line that is a whole record by
            // itself is not swallowed: the open quote is then a broken record of its own, and
            // the good rows after it are kept.
            while (OpenQuote(text) && text.Length <= MaxLineLength && TryReadLine(reader, buffer, out var more))
            {
                next++;
                if (more is not null && !OpenQuote(more) && CountFields(more) == header.Length)
                {
                    pending = (more, next);
                    break;
                }
                text = more is null ? text + new string(' ', MaxLineLength) : text + "\n" + more;
            }
            if (text.Length > MaxLineLength)
            {
                yield return new SourceRecord(file, line, new Dictionary<string, string> { ["__error"] = $"is longer than {MaxLineLength} characters" });
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
            if (ControlCharacterProblem(fields) is { } control)
            {
                yield return new SourceRecord(file, line, new Dictionary<string, string> { ["__error"] = control });
                continue;
            }
            yield return new SourceRecord(file, line, fields);
        }
    }

    // A column twice, or one the dataset does not have, refuses the file: which of two values
    // should win, and what did the exporter mean by a column we would drop?
    private static void CheckHeader(string file, Dataset dataset, string[] header)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in header)
        {
            if (!seen.Add(column))
            {
                throw new ImportException($"{file} line 1: column '{column}' appears twice; each column once ({string.Join(",", dataset.Columns)}).");
            }
            if (!dataset.Columns.Contains(column))
            {
                throw new ImportException($"{file} line 1: column '{column}' is not a column of {dataset.Name}; its columns are {string.Join(",", dataset.Columns)}.");
            }
        }
    }

    private static int CountFields(string text)
    {
        try
        {
            return SplitCsv(text, "", 0).Length;
        }
        catch (FormatException)
        {
            return -1;
        }
    }

    // Whether a quoted value is still open at the end of the text ("" inside quotes toggles twice).
    private static bool OpenQuote(string text)
    {
        var open = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                open = !open;
            }
        }
        return open;
    }

    // RFC 4180 on one record: fields separated by commas, optionally quoted with "" escapes; a
    // quoted value may hold the line breaks the reader joined (the field rules then reject them).
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

    private static IEnumerable<SourceRecord> ReadJsonLines(string path, Dataset dataset)
    {
        var file = Path.GetFileName(path);
        using var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var buffer = new StringBuilder();
        long line = 0;
        while (TryReadLine(reader, buffer, out var text))
        {
            line++;
            if (text is null)
            {
                yield return new SourceRecord(file, line, new Dictionary<string, string> { ["__error"] = $"is longer than {MaxLineLength} characters" });
                continue;
            }
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
                        var name = Normalize(property.Name);
                        var kind = property.Value.ValueKind;
                        if (fields.ContainsKey(name))
                        {
                            error = $"has field {name} twice";
                        }
                        else if (!dataset.Columns.Contains(name))
                        {
                            error = $"has field {name}, which is not a field of {dataset.Name} ({string.Join(",", dataset.Columns)})";
                        }
                        else if (kind is JsonValueKind.Object or JsonValueKind.Array
                            || (kind == JsonValueKind.Number && !NumericFields.Contains(name))
                            || (kind is JsonValueKind.True or JsonValueKind.False && name != "valid"))
                        {
                            error = $"field {name} is a JSON {kind.ToString().ToLowerInvariant()}; it must be a string";
                        }
                        if (error is not null)
                        {
                            fields = null;
                            break;
                        }
                        fields[name] = kind switch
                        {
                            JsonValueKind.String => property.Value.GetString()!,
                            JsonValueKind.True => "1",
                            JsonValueKind.False => "0",
                            JsonValueKind.Null => "",
                            _ => property.Value.GetRawText(),
                        };
                    }
                    if (fields is not null)
                    {
                        // Canonical proto3 JSON leaves out an int64 that is 0 (a closure's head count).
                        foreach (var name in ZeroWhenAbsent)
                        {
                            if (!fields.ContainsKey(name) && dataset.Columns.Contains(name))
                            {
                                fields[name] = "0";
                            }
                        }
                    }
                    if (fields is not null && ControlCharacterProblem(fields) is { } control)
                    {
                        error = control;
                        fields = null;
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
