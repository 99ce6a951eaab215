using Grpc.Core;
using Grpc.Core.Internal;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server.Internal;

// Ending a call: the status goes in trailers, or — when no response has started — in the
// headers of a Trailers-Only response (one HEADERS frame with END_STREAM). The status is
// written last so that it overwrites anything a handler put under the same names.
internal sealed partial class HttpContextServerCallContext
{
    /// <summary>Ends the call with the handler's <see cref="ServerCallContext.Status"/>.</summary>
    public async Task EndCallAsync()
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            if (_callEnded)
            {
                return;
            }
            _callEnded = true;
            WriteStatus(_status);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Ends the call after the handler (or the runtime) threw.</summary>
    public async Task EndCallWithErrorAsync(Exception exception)
    {
        Status status;
        if (exception is RpcException rpc)
        {
            status = rpc.Status;
            if (rpc.Trailers.Count > 0)
            {
                foreach (var entry in rpc.Trailers)
                {
                    ResponseTrailersCore.Add(entry);
                }
            }
            if (status.StatusCode is StatusCode.Internal or StatusCode.ResourceExhausted or StatusCode.Unimplemented)
            {
                GrpcServerLog.RpcConnectionError(_logger, MethodDescriptor.FullName, status.StatusCode, status.Detail);
            }
            else if (status.StatusCode == StatusCode.Cancelled && status.DebugException is IOException)
            {
                GrpcServerLog.CallCancelled(_logger, MethodDescriptor.FullName);
            }
        }
        else if (HttpContext.RequestAborted.IsCancellationRequested || _deadlineExceeded)
        {
            // The client cancelled, the connection dropped or the deadline passed: the handler's
            // exception is the consequence, not a fault, and nobody is left to read a status.
            GrpcServerLog.CallCancelled(_logger, MethodDescriptor.FullName);
            status = new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }
        else
        {
            GrpcServerLog.ErrorExecutingServiceMethod(_logger, MethodDescriptor.FullName, exception);
            var detail = "Exception was thrown by handler.";
            if (Options.EnableDetailedErrors)
            {
                detail += $" {exception.GetType().Name}: {exception.Message}";
            }
            status = new Status(StatusCode.Unknown, detail, exception);
        }

        await EnterAsync().ConfigureAwait(false);
        try
        {
            if (_callEnded)
            {
                return;
            }
            _callEnded = true;
            if (HttpContext.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            WriteStatus(status);
        }
        finally
        {
            Exit();
        }
    }

    private void WriteStatus(Status status)
    {
        var response = HttpContext.Response;
        if (!response.HasStarted)
        {
            // Trailers-Only: everything goes in the single HEADERS frame.
            var headers = response.Headers;
            if (_responseTrailers is { Count: > 0 })
            {
                foreach (var entry in _responseTrailers)
                {
                    if (!IsReservedHeader(entry.Key))
                    {
                        headers.Append(entry.Key, entry.IsBinary ? BinaryHeader.Encode(entry.ValueBytes) : entry.Value);
                    }
                }
            }
            headers[GrpcProtocolConstants.StatusTrailer] = StatusCodeText(status.StatusCode);
            if (status.Detail.Length > 0)
            {
                headers[GrpcProtocolConstants.MessageTrailer] = PercentEncoding.Encode(status.Detail);
            }
            else
            {
                headers.Remove(GrpcProtocolConstants.MessageTrailer);
            }
            return;
        }

        if (!response.SupportsTrailers())
        {
            throw new InvalidOperationException("Trailers are not supported for this response. The server may not support gRPC (HTTP/2 is required).");
        }
        if (_responseTrailers is { Count: > 0 })
        {
            foreach (var entry in _responseTrailers)
            {
                if (!IsReservedHeader(entry.Key))
                {
                    response.AppendTrailer(entry.Key, entry.IsBinary ? BinaryHeader.Encode(entry.ValueBytes) : entry.Value);
                }
            }
        }
        response.AppendTrailer(GrpcProtocolConstants.StatusTrailer, StatusCodeText(status.StatusCode));
        if (status.Detail.Length > 0)
        {
            response.AppendTrailer(GrpcProtocolConstants.MessageTrailer, PercentEncoding.Encode(status.Detail));
        }
    }

    // Status codes 0–16 as cached strings: no formatting per call.
    private static readonly string[] StatusCodeStrings = [.. Enumerable.Range(0, 17).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static string StatusCodeText(StatusCode code) =>
        (uint)code < (uint)StatusCodeStrings.Length ? StatusCodeStrings[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
