namespace Grpc.Core.Internal;

/// <summary>Header names and values of the gRPC HTTP/2 mapping (grpc/grpc doc/PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocolConstants
{
    public const string GrpcContentType = "application/grpc";
    public const string TimeoutHeader = "grpc-timeout";
    public const string MessageEncodingHeader = "grpc-encoding";
    public const string MessageAcceptEncodingHeader = "grpc-accept-encoding";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string IdentityEncoding = "identity";

    // Not a wire header: the in-process key that grpc-dotnet and Grpc.Core use to ask for
    // message compression of one call (request metadata on the client, response headers on the
    // server). It is translated into grpc-encoding and never sent.
    public const string CompressionRequestAlgorithmHeader = "grpc-internal-encoding-request";

    public const int MessageHeaderSize = 5;

    // Matches the gRPC C core default (and grpc-dotnet's DefaultReceiveMaxMessageSize).
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    // grpc-timeout allows at most 8 digits: 99,999,999 seconds is the largest expressible value.
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(99_999_999);

    public static readonly string UserAgent = "grpc-federation/" +
        (typeof(GrpcProtocolConstants).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public static bool IsGrpcContentType(string? contentType)
    {
        // application/grpc, optionally followed by ";params" or "+subtype" (+proto, +json);
        // "application/grpc-web" is a different protocol and is refused.
        if (contentType is null || !contentType.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (contentType.Length == GrpcContentType.Length)
        {
            return true;
        }
        var next = contentType[GrpcContentType.Length];
        return next is ';' or '+';
    }
}
