using System.IO.Compression;

namespace Grpc.Net.Compression;

/// <summary>The <c>gzip</c> encoding (RFC 1952).</summary>
public sealed class GzipCompressionProvider : ICompressionProvider
{
    private readonly CompressionLevel _defaultLevel;

    /// <summary>Creates the provider.</summary>
    /// <param name="defaultCompressionLevel">Used when a call names no level. Defaults to <see cref="CompressionLevel.Fastest"/>.</param>
    public GzipCompressionProvider(CompressionLevel defaultCompressionLevel = CompressionLevel.Fastest) => _defaultLevel = defaultCompressionLevel;

    /// <inheritdoc />
    public string EncodingName => "gzip";

    /// <inheritdoc />
    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? _defaultLevel, leaveOpen: true);

    /// <inheritdoc />
    public Stream CreateDecompressionStream(Stream stream) => new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
}
