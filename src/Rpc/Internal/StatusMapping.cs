namespace Grpc.Core.Internal;

/// <summary>
/// Synthesizing a status when the peer sent none: HTTP status (doc/http-grpc-status-mapping.md)
/// and HTTP/2 RST_STREAM error codes (PROTOCOL-HTTP2.md "Errors").
/// </summary>
internal static class StatusMapping
{
    public static StatusCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        431 => StatusCode.Internal,
        >= 100 and < 200 => StatusCode.Internal,
        _ => StatusCode.Unknown,
    };

    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable,        // REFUSED_STREAM: not processed, safe to retry
        0x8 => StatusCode.Cancelled,          // CANCEL
        0xB => StatusCode.ResourceExhausted,  // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied,   // INADEQUATE_SECURITY
        _ => StatusCode.Internal,             // NO_ERROR before trailers, PROTOCOL_ERROR, INTERNAL_ERROR, ...
    };

    public static string Http2ErrorName(long errorCode) => errorCode switch
    {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0x9 => "COMPRESSION_ERROR",
        0xA => "CONNECT_ERROR",
        0xB => "ENHANCE_YOUR_CALM",
        0xC => "INADEQUATE_SECURITY",
        0xD => "HTTP_1_1_REQUIRED",
        _ => "0x" + errorCode.ToString("X", System.Globalization.CultureInfo.InvariantCulture),
    };
}
