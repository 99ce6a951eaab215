using Grpc.Core;
using Grpc.Core.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Responses to requests that are not gRPC calls we can serve (PROTOCOL-HTTP2.md, grpc-dotnet behaviour).</summary>
internal static class ProtocolErrors
{
    public static Task RejectNonHttp2Async(HttpContext httpContext, ILogger logger)
    {
        GrpcServerLog.UnsupportedRequestProtocol(logger, httpContext.Request.Protocol);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status426UpgradeRequired;
        response.Headers[HeaderNames.Upgrade] = "HTTP/2";
        return WriteTextAsync(response, StatusCode.Internal, $"Request protocol '{httpContext.Request.Protocol}' is not supported; gRPC needs HTTP/2.");
    }

    public static Task RejectContentTypeAsync(HttpContext httpContext, ILogger logger)
    {
        var contentType = httpContext.Request.ContentType;
        GrpcServerLog.UnsupportedRequestContentType(logger, contentType);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        return WriteTextAsync(response, StatusCode.Internal, contentType is null
            ? "Content-Type is missing from the request."
            : $"Content-Type '{contentType}' is not supported.");
    }

    /// <summary>A Trailers-Only response (one HEADERS frame): unknown service or method.</summary>
    public static void WriteTrailersOnly(HttpResponse response, StatusCode code, string detail)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocolConstants.GrpcContentType;
        response.Headers[GrpcProtocolConstants.StatusTrailer] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocolConstants.MessageTrailer] = PercentEncoding.Encode(detail);
    }

    private static Task WriteTextAsync(HttpResponse response, StatusCode code, string detail)
    {
        response.Headers[GrpcProtocolConstants.StatusTrailer] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocolConstants.MessageTrailer] = PercentEncoding.Encode(detail);
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(detail + "\n");
    }
}
