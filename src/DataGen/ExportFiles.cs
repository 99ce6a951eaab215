namespace Federation.DataGen;

/// <summary>Reading back what the generator wrote (tests, the demo): plain CSV, no quoted fields.</summary>
public static class ExportFiles
{
    /// <summary>The data rows of one dataset's file in an export, each as column → value.</summary>
    public static IEnumerable<Dictionary<string, string>> ReadRows(string export, string dataset)
    {
        using var reader = new StreamReader(Path.Combine(export, dataset + ".csv"));
        var header = reader.ReadLine()?.Split(',') ?? [];
        while (reader.ReadLine() is { } line)
        {
            yield return header.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        }
    }
}
