using System.IO.Compression;

namespace Grpc.Net.Compression;

/// <summary>
/// The <c>deflate</c> encoding. As in HTTP (RFC 2616 §3.5), "deflate" means the zlib format
/// (RFC 1950), not raw DEFLATE — which is what every gRPC implementation sends.
/// </summary>
public sealed class DeflateCompressionProvider : ICompressionProvider
{
    private readonly CompressionLevel _defaultLevel;

    /// <summary>Creates the provider.</summary>
    /// <param name="defaultCompressionLevel">Used when a call names no level. Defaults to <see cref="CompressionLevel.Fastest"/>.</param>
    public DeflateCompressionProvider(CompressionLevel defaultCompressionLevel = CompressionLevel.Fastest) => _defaultLevel = defaultCompressionLevel;

    /// <inheritdoc />
    public string EncodingName => "deflate";

    /// <inheritdoc />
    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new ZLibStream(stream, compressionLevel ?? _defaultLevel, leaveOpen: true);

    /// <inheritdoc />
    public Stream CreateDecompressionStream(Stream stream) => new ZLibStream(stream, CompressionMode.Decompress, leaveOpen: true);
}
