using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

// Event ids 1000–1099 belong to the gRPC server. Event names are a contract with whoever reads
// the logs: never rename one once shipped.
internal static partial class GrpcServerLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Request with timeout of {Timeout} has exceeded its deadline.", EventName = "DeadlineExceeded")]
    public static partial void DeadlineExceeded(ILogger logger, TimeSpan timeout);

    [LoggerMessage(1001, LogLevel.Debug, "Invalid grpc-timeout header value '{Timeout}'; the call has no deadline.", EventName = "InvalidTimeoutIgnored")]
    public static partial void InvalidTimeoutIgnored(ILogger logger, string timeout);

    [LoggerMessage(1002, LogLevel.Error, "Error when executing service method '{Method}'.", EventName = "ErrorExecutingServiceMethod")]
    public static partial void ErrorExecutingServiceMethod(ILogger logger, string method, Exception exception);

    [LoggerMessage(1003, LogLevel.Information, "Call '{Method}' ended with status {StatusCode}: {Detail}", EventName = "RpcConnectionError")]
    public static partial void RpcConnectionError(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(1004, LogLevel.Debug, "Call '{Method}' was cancelled by the client or the connection closed.", EventName = "CallCancelled")]
    public static partial void CallCancelled(ILogger logger, string method);

    [LoggerMessage(1005, LogLevel.Information, "Request content-type '{ContentType}' is not supported.", EventName = "UnsupportedRequestContentType")]
    public static partial void UnsupportedRequestContentType(ILogger logger, string? contentType);

    [LoggerMessage(1006, LogLevel.Information, "Request protocol '{Protocol}' is not supported; gRPC needs HTTP/2.", EventName = "UnsupportedRequestProtocol")]
    public static partial void UnsupportedRequestProtocol(ILogger logger, string protocol);

    [LoggerMessage(1007, LogLevel.Information, "Service '{ServiceName}' is unimplemented.", EventName = "ServiceUnimplemented")]
    public static partial void ServiceUnimplemented(ILogger logger, string serviceName);

    [LoggerMessage(1008, LogLevel.Information, "Method '{MethodName}' of service '{ServiceName}' is unimplemented.", EventName = "MethodUnimplemented")]
    public static partial void MethodUnimplemented(ILogger logger, string methodName, string serviceName);

    [LoggerMessage(1009, LogLevel.Debug, "Response compression '{Encoding}' was requested but the client does not accept it; sending uncompressed.", EventName = "CompressionNotAccepted")]
    public static partial void CompressionNotAccepted(ILogger logger, string encoding);

    [LoggerMessage(1010, LogLevel.Debug, "Mapped gRPC method '{FullName}' ({MethodType}).", EventName = "MethodMapped")]
    public static partial void MethodMapped(ILogger logger, string fullName, MethodType methodType);
}
