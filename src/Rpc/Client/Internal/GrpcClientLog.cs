using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Grpc.Net.Client.Internal;

// Event ids 1100–1199 belong to the gRPC client.
internal static partial class GrpcClientLog
{
    [LoggerMessage(1100, LogLevel.Debug, "Call '{Method}' finished with status {StatusCode}: {Detail}", EventName = "CallFinished")]
    public static partial void CallFinished(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(1101, LogLevel.Debug, "Call '{Method}' exceeded its deadline.", EventName = "DeadlineExceeded")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(1102, LogLevel.Information, "Call '{Method}' failed to start: {Error}", EventName = "CallStartFailed")]
    public static partial void CallStartFailed(ILogger logger, string method, string error, Exception exception);
}
