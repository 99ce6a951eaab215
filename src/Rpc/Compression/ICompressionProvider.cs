using System.IO.Compression;

namespace Grpc.Net.Compression;

/// <summary>A message compression algorithm, named as in <c>grpc-encoding</c>.</summary>
public interface ICompressionProvider
{
    /// <summary>The encoding name, e.g. <c>gzip</c>.</summary>
    string EncodingName { get; }

    /// <summary>A stream that compresses what is written to it into <paramref name="stream"/>.</summary>
    Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel);

    /// <summary>A stream that decompresses <paramref name="stream"/>.</summary>
    Stream CreateDecompressionStream(Stream stream);
}
