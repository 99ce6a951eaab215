using System.IO.Compression;
using Grpc.Net.Compression;
using Microsoft.Extensions.Logging;

namespace Grpc.Net.Client;

/// <summary>Options of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>
    /// The HTTP handler calls go through. Defaults to a <see cref="System.Net.Http.SocketsHttpHandler"/>
    /// with several HTTP/2 connections allowed and keep-alive pings; pass your own to set TLS
    /// options such as client certificates or server certificate validation.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/>. Defaults to <c>false</c> for a handler you pass.</summary>
    public bool DisposeHttpClient { get; set; }

    /// <summary>
    /// The largest message, in bytes, the client accepts; larger ones fail the call with
    /// RESOURCE_EXHAUSTED. Applies to the decompressed size too. Defaults to 4,194,304 (4 MiB).
    /// <c>null</c> removes the limit.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest message, in bytes, the client sends. Defaults to <c>null</c> (no limit).</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Available message encodings. Defaults to gzip and deflate.</summary>
    public IList<ICompressionProvider>? CompressionProviders { get; set; }

    /// <summary>The compression level for requests. Defaults to <c>null</c> (the provider's default, Fastest).</summary>
    public CompressionLevel? RequestCompressionLevel { get; set; }

    /// <summary>Logs call failures. Defaults to none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// When <c>true</c>, a call cancelled through its cancellation token throws
    /// <see cref="OperationCanceledException"/> instead of <see cref="Core.RpcException"/> with
    /// CANCELLED. Defaults to <c>false</c>.
    /// </summary>
    public bool ThrowOperationCanceledOnCancellation { get; set; }
}
