using System.Security.Cryptography;
using System.Text;

namespace Federation.Store;

/// <summary>
/// The content digest of a snapshot: SHA-256 over, for each dataset in <see cref="Dataset.All"/>
/// order, the line <c>#dataset\n</c> followed by each record ordered by natural key (ordinal, byte
/// order of UTF-8) within origin order, as its origin and its column values joined by TAB, ending
/// in LF (<see cref="PackedRecords"/>). Values never contain TAB or LF (the importer refuses
/// them), so the encoding is unambiguous. Incremental: memory stays constant whatever the
/// snapshot's size. A dataset added after schema version 2 (<see cref="Dataset.DigestedWhenEmpty"/>
/// false) is named only when it has records: a snapshot without any keeps the digest it had
/// before the dataset existed, so periods sealed by older versions verify unchanged and an older
/// child's snapshot digests the same at a newer parent.
/// </summary>
public sealed class SnapshotDigest : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private byte[]? _pendingHeader;

    public void BeginDataset(Dataset dataset)
    {
        var header = Encoding.UTF8.GetBytes("#" + dataset.Name + "\n");
        if (dataset.DigestedWhenEmpty)
        {
            _hash.AppendData(header);
            _pendingHeader = null;
        }
        else
        {
            _pendingHeader = header;
        }
    }

    /// <summary>Appends record lines already in the digest's encoding (see <see cref="PackedRecords"/>).</summary>
    public void AppendBytes(ReadOnlySpan<byte> lines)
    {
        if (lines.IsEmpty)
        {
            return;
        }
        if (_pendingHeader is { } header)
        {
            _hash.AppendData(header);
            _pendingHeader = null;
        }
        _hash.AppendData(lines);
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
