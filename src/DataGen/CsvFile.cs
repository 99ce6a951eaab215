using System.Text;

namespace Federation.DataGen;

/// <summary>A CSV export being written: header first, then rows; knows the line number of each row.</summary>
internal sealed class CsvFile : IDisposable
{
    private readonly StreamWriter _writer;

    public CsvFile(string directory, string name, string[] header)
    {
        Name = name;
        _writer = new StreamWriter(Path.Combine(directory, name), append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        _writer.Write(string.Join(',', header));
        _writer.Write('\n');
        Line = 1;
    }

    public string Name { get; }

    /// <summary>The line number of the last row written (the header is line 1).</summary>
    public long Line { get; private set; }

    public long Rows => Line - 1;

    public long Write(params string[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                _writer.Write(',');
            }
            var value = values[i];
            if (value.AsSpan().IndexOfAny(",\"") >= 0)
            {
                _writer.Write('"');
                _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
                _writer.Write('"');
            }
            else
            {
                _writer.Write(value);
            }
        }
        _writer.Write('\n');
        return ++Line;
    }

    public void Dispose() => _writer.Dispose();
}
