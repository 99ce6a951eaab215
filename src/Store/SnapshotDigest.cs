using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace Federation.Store;

/// <summary>
/// The content digest of a snapshot: SHA-256, or SM3 under <c>Security:Crypto = national</c>
/// (<see cref="DigestAlgorithm"/>; the store's algorithm, recorded when it was created), over, for each dataset in <see cref="Dataset.All"/>
/// order, the line <c>#dataset\n</c> followed by each record ordered by natural key (ordinal, byte
/// order of UTF-8) within origin order, as its origin and its column values joined by TAB, ending
/// in LF (<see cref="PackedRecords"/>). Values never contain TAB or LF (the importer refuses
/// them), so the encoding is unambiguous. Incremental: memory stays constant whatever the
/// snapshot's size. A dataset added after schema version 2 (<see cref="Dataset.DigestedWhenEmpty"/>
/// false) is named only when it has records: a snapshot without any keeps the digest it had
/// before the dataset existed, so periods sealed by older versions verify unchanged and an older
/// child's snapshot digests the same at a newer parent. The digest is written as
/// <see cref="DigestAlgorithms.Digest"/> writes it: 64 hex digits for SHA-256 (as before the option,
/// so a standard store's digests are unchanged), <c>sm3:</c> and 64 hex digits for SM3.
/// </summary>
public sealed class SnapshotDigest : IDisposable
{
    // One of the two, by algorithm.
    private readonly IncrementalHash? _sha256;
    private readonly SM3Digest? _sm3;

    private byte[]? _pendingHeader;

    public SnapshotDigest(DigestAlgorithm algorithm)
    {
        Algorithm = algorithm;
        if (algorithm == DigestAlgorithm.Sm3)
        {
            _sm3 = new SM3Digest();
        }
        else
        {
            _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    public DigestAlgorithm Algorithm { get; }

    public void BeginDataset(Dataset dataset)
    {
        var header = Encoding.UTF8.GetBytes("#" + dataset.Name + "\n");
        if (dataset.DigestedWhenEmpty)
        {
            Append(header);
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
            Append(header);
            _pendingHeader = null;
        }
        Append(lines);
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_sm3 is { } sm3)
        {
            sm3.BlockUpdate(data);
        }
        else
        {
            _sha256!.AppendData(data);
        }
    }

    /// <summary>The digest of everything appended (and the digest starts over).</summary>
    public string Finish()
    {
        if (_sm3 is { } sm3)
        {
            Span<byte> hash = stackalloc byte[32];
            sm3.DoFinal(hash);
            return DigestAlgorithms.Sm3Prefix + Convert.ToHexStringLower(hash);
        }
        return Convert.ToHexStringLower(_sha256!.GetHashAndReset());
    }

    public void Dispose() => _sha256?.Dispose();
}
