using System.Security.Cryptography;
using System.Text;

namespace Federation.Store;

/// <summary>
/// The content digest of a snapshot: SHA-256 over, for each dataset in <see cref="Dataset.All"/>
/// order, the line <c>#dataset\n</c> followed by each record ordered by natural key (ordinal, byte
/// order of UTF-8) within origin order, as its origin and its column values joined by TAB, ending
/// in LF. Values never contain TAB or
/// LF (the importer refuses them), so the encoding is unambiguous. Incremental: memory stays
/// constant whatever the snapshot's size.
/// </summary>
public sealed class SnapshotDigest : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = new byte[1024];

    public void BeginDataset(Dataset dataset) => AppendText("#" + dataset.Name + "\n");

    public void AppendRecord(string origin, IReadOnlyList<string> values)
    {
        AppendText(origin);
        for (var i = 0; i < values.Count; i++)
        {
            AppendText("\t");
            AppendText(values[i]);
        }
        AppendText("\n");
    }

    /// <summary>Appends record lines already in the digest's encoding (see <see cref="PackedRecords"/>).</summary>
    public void AppendBytes(ReadOnlySpan<byte> lines) => _hash.AppendData(lines);

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    private void AppendText(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max > _buffer.Length)
        {
            _buffer = new byte[max];
        }
        var count = Encoding.UTF8.GetBytes(text, _buffer);
        _hash.AppendData(_buffer, 0, count);
    }
}
