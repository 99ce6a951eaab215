using System.Text;
using System.Text.Json;
using Federation.Node.Ingest;
using Federation.Standards;
using Federation.Store;
using Federation.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Node.Tests.Reliability;

/// <summary>
/// Fuzzing of the import's reader and validator (issue 25, item 2): CSV (UTF-8 and GB18030) and
/// JSON Lines exports mutated from the corpus. Invariant: reading and validating never throws
/// anything but <see cref="ImportException"/> naming the file; every reject names its line (inside
/// the file) and a field of the dataset with a reason; memory does not grow with what a field
/// claims; and a row the validator accepts round-trips — written back (CSV quoted, JSON escaped)
/// and read again, it gives the same fields and the same stored values.
/// </summary>
public sealed class ImportFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] CsvTokens =
    [
        "\"", "\"\"", ",", "\n", "\r\n", "\r", "\t", "\uFEFF", "\u0000", "\u0085", "\u2028", ",,,,", "\"a\nb\"", "AAC002", "AAE100", "citizen_id",
        "valid", "handling_division", "2026-02-29", "2026-13-01", "9999-12-31", "0001-01-01", "-1", "1e309", "99999999999999999999", "NaN",
        "440304197801204296", "44030419780120429X", "440300", "000000", "X", "高", "\uD800", "  ", "0", "1", "true",
    ];

    private static readonly string[] JsonTokens =
    [
        "{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "1e999", "-0", "0.1", "\"\\u0000\"", "\"\\uD800\"", "\"valid\":", "\"amount\":",
        "\"citizen_id\":", "\"AAC002\":", "{\"a\":{\"b\":[1]}}", "\n", "\r\n", "\\", "\\n", "\\t", "2026-02-29", "440304197801204296", "\uFEFF",
        "99999999999999999999999", "\"baseline_count\":", "高",
    ];

    private static readonly Jurisdiction Shenzhen = DivisionTable.Default.JurisdictionOf("440300");
    private static readonly DateOnly Today = new(2026, 11, 30);

    private readonly TempDirectory _scratch = Fuzzer.Scratch();
    private readonly RecordValidator _validator = new(Shenzhen, DivisionTable.Default, Today);
    private readonly List<(string Field, string Reason)> _errors = [];

    [Fact]
    public void Csv_MutatedExports_AreReadOrRefusedWithLineAndField_AndAcceptedRowsRoundTrip() =>
        Fuzzer.Run("import-csv", 2000, CsvTokens, c => ImportOnce(c, ".csv"), output);

    [Fact]
    public void JsonLines_MutatedExports_AreReadOrRefusedWithLineAndField_AndAcceptedRowsRoundTrip() =>
        Fuzzer.Run("import-jsonl", 2000, JsonTokens, c => ImportOnce(c, ".jsonl"), output);

    // Found by fuzzing (corpus persons-crash-91432db5-gb18030.csv): a header with text after a
    // closing quote escaped from the reader as a FormatException.
    [Fact]
    public void Csv_HeaderWithTextAfterAClosingQuote_IsRefusedNamingLine1()
    {
        var path = _scratch.File("persons.csv");
        File.WriteAllText(path, "citizen_id,\"name\"x,sex\n440304197801204296,高杰斌,1\n");

        var refused = Assert.Throws<ImportException>(() => ExportReader.Read(path, Dataset.Persons).ToList());

        Assert.StartsWith("persons.csv line 1: the header row cannot be read (text after a closing quote)", refused.Message, StringComparison.Ordinal);
    }

    private static Dataset DatasetOf(string seedName) => Dataset.Find(seedName[..seedName.IndexOf('-', StringComparison.Ordinal)])
        ?? throw new InvalidOperationException($"corpus file {seedName} does not start with a dataset name");

    private void ImportOnce(FuzzCase c, string extension)
    {
        var dataset = DatasetOf(c.SeedName);
        var encoding = c.SeedName.Contains("gb18030", StringComparison.Ordinal) ? ExportEncoding.Gb18030 : ExportEncoding.Utf8;
        var path = _scratch.File(dataset.Name + extension);
        File.WriteAllBytes(path, c.Bytes);
        var lines = c.Bytes.AsSpan().Count((byte)'\n') + 1;
        var accepted = new List<(IReadOnlyDictionary<string, string> Fields, string[] Values)>();
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            foreach (var record in ExportReader.Read(path, dataset, encoding))
            {
                Assert.Equal(Path.GetFileName(path), record.File);
                Assert.InRange(record.Line, 1, lines);
                var values = _validator.Validate(dataset, record, _errors);
                foreach (var (field, reason) in _errors)
                {
                    Assert.True(field == "(row)" || dataset.Columns.Contains(field), $"a reject names '{field}', not a field of {dataset.Name}: {reason}");
                    Assert.False(string.IsNullOrWhiteSpace(reason), $"a reject of {field} says no reason");
                }
                if (values is not null && _errors.Count == 0)
                {
                    Assert.All(values, v => Assert.NotNull(v));
                    accepted.Add((record.Fields, values));
                }
            }
        }
        catch (ImportException refused)
        {
            Assert.Contains(Path.GetFileName(path), refused.Message, StringComparison.Ordinal);
            return;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8L * 1024 * 1024 + 200L * c.Bytes.Length, $"reading {c.Bytes.Length} bytes allocated {allocated} bytes");
        if (accepted.Count > 0)
        {
            RoundTrip(dataset, extension, accepted);
        }
    }

    // Accepted rows written back as an exporter would write them and read again: the same fields
    // and the same values to store.
    private void RoundTrip(Dataset dataset, string extension, List<(IReadOnlyDictionary<string, string> Fields, string[] Values)> accepted)
    {
        var path = _scratch.File(dataset.Name + "-again" + extension);
        var text = new StringBuilder();
        if (extension == ".csv")
        {
            text.Append(string.Join(",", accepted[0].Fields.Keys.Select(Quote))).Append('\n');
        }
        foreach (var (fields, _) in accepted)
        {
            if (extension == ".csv")
            {
                Same(accepted[0].Fields.Keys, fields.Keys);
                text.Append(string.Join(",", fields.Values.Select(Quote))).Append('\n');
            }
            else
            {
                text.Append(JsonSerializer.Serialize(fields)).Append('\n');
            }
        }
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        var again = ExportReader.Read(path, dataset).ToList();
        Assert.Equal(accepted.Count, again.Count);
        for (var i = 0; i < again.Count; i++)
        {
            Same(accepted[i].Fields.OrderBy(f => f.Key, StringComparer.Ordinal), again[i].Fields.OrderBy(f => f.Key, StringComparer.Ordinal));
            Same(accepted[i].Values, _validator.Validate(dataset, again[i], _errors));
            Assert.Empty(_errors);
        }
    }

    // Assert.Equal of two sequences, asked only when they differ (xunit's comparison of sequences
    // is built for messages, not for a million executions).
    private static void Same<T>(IEnumerable<T> expected, IEnumerable<T>? actual)
    {
        if (actual is null || !expected.SequenceEqual(actual))
        {
            Assert.Equal(expected, actual);
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public void Dispose() => _scratch.Dispose();
}
