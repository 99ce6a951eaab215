using System.IO.Compression;
using Grpc.Net.Compression;

namespace Grpc.AspNetCore.Server;

/// <summary>Options of the gRPC server, set with <c>services.AddGrpc(o => ...)</c>.</summary>
public class GrpcServiceOptions
{
    /// <summary>
    /// The largest message, in bytes, the server accepts; larger ones end the call with
    /// RESOURCE_EXHAUSTED. Applies to the decompressed size too. <c>null</c> removes the limit.
    /// Defaults to 4,194,304 (4 MiB), as in the gRPC C core.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The largest message, in bytes, the server sends; a larger one fails the call with
    /// RESOURCE_EXHAUSTED. <c>null</c> (the default) means no limit.
    /// </summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Whether a handler's unexpected exception text is sent to the client in the status detail.
    /// Defaults to <c>false</c>: the client sees "Exception was thrown by handler." and the
    /// exception goes to the log.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// Compress responses with this encoding (e.g. <c>gzip</c>) when the client accepts it.
    /// Defaults to <c>null</c>: responses are not compressed unless a handler asks for it.
    /// </summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>The compression level for responses. Defaults to <c>null</c> (the provider's default, Fastest).</summary>
    public CompressionLevel? ResponseCompressionLevel { get; set; }

    /// <summary>Available message encodings. Defaults to gzip and deflate (identity is always supported).</summary>
    public IList<ICompressionProvider> CompressionProviders { get; } = [new GzipCompressionProvider(), new DeflateCompressionProvider()];

    /// <summary>Interceptors run around every call, in order.</summary>
    public InterceptorCollection Interceptors { get; } = [];
}
