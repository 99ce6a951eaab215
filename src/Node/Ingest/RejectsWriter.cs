using System.Text;

namespace Federation.Node.Ingest;

/// <summary>
/// The rejects report: a UTF-8 CSV (with BOM, so spreadsheet tools read it right) of
/// file, line, dataset, key, field, reason — one line per problem, so a row with two bad fields
/// appears twice. Citizen IDs and certificate numbers in the key column (and in reasons) are masked.
/// </summary>
internal sealed class RejectsWriter : IDisposable
{
    private readonly StreamWriter _writer;

    public RejectsWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        _writer.WriteLine("file,line,dataset,key,field,reason");
    }

    public void Write(Reject reject) =>
        _writer.WriteLine(string.Join(",", Quote(reject.File), reject.Line.ToString(System.Globalization.CultureInfo.InvariantCulture),
            reject.Dataset, Quote(reject.Key), Quote(reject.Field), Quote(reject.Reason)));

    public void Dispose() => _writer.Dispose();

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
