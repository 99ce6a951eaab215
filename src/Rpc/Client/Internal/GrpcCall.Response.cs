using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

// Reading the response: headers (or a Trailers-Only response), messages, trailers.
internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private PipeReader? _reader;
    private ICompressionProvider? _responseDecompressor;
    private string? _responseEncoding;
    private bool _responseEnded;

    /// <summary>Waits for the response headers. <c>true</c> if there is a body to read; otherwise the status is decided.</summary>
    private async Task<bool> StartResponseAsync()
    {
        HttpResponseMessage response;
        try
        {
            response = await _sendTask!.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            FinishWithException(ex);
            return false;
        }

        lock (_lock)
        {
            if (_status is not null)
            {
                // Cancelled while SendAsync was finishing.
                response.Dispose();
                return false;
            }
            _response = response;
        }

        // An explicit grpc-status in the headers is a Trailers-Only response; it has priority
        // over every other check.
        if (response.Headers.TryGetValues(GrpcProtocolConstants.StatusTrailer, out var statusValues))
        {
            var headerMetadata = ToMetadata(response.Headers, response.Content.Headers);
            _headersTcs.TrySetResult(headerMetadata);
            Finish(ParseStatus(statusValues, response.Headers), headerMetadata);
            return false;
        }
        if (response.Version < HttpVersion.Version20)
        {
            FinishAndReset(new Status(StatusCode.Internal, $"Bad gRPC response. Response protocol downgraded to HTTP/{response.Version.ToString(2)}."));
            return false;
        }
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = StatusMapping.FromHttpStatus((int)response.StatusCode);
            FinishAndReset(new Status(code, $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}"));
            return false;
        }
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is null)
        {
            FinishAndReset(new Status(StatusCode.Cancelled, "Bad gRPC response. Response did not have a content-type header."));
            return false;
        }
        if (!GrpcProtocolConstants.IsGrpcContentType(response.Content.Headers.ContentType!.ToString()))
        {
            FinishAndReset(new Status(StatusCode.Cancelled, $"Bad gRPC response. Invalid content-type value: {response.Content.Headers.ContentType}"));
            return false;
        }

        if (response.Headers.TryGetValues(GrpcProtocolConstants.MessageEncodingHeader, out var encodings))
        {
            _responseEncoding = encodings.FirstOrDefault();
            if (_responseEncoding is not null && _responseEncoding != GrpcProtocolConstants.IdentityEncoding)
            {
                _channel.CompressionProviders.TryGetValue(_responseEncoding, out _responseDecompressor);
            }
        }
        _headersTcs.TrySetResult(ToMetadata(response.Headers, null));

        try
        {
            var stream = await response.Content.ReadAsStreamAsync(_callCts.Token).ConfigureAwait(false);
            _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
            return true;
        }
        catch (Exception ex)
        {
            FinishWithException(ex);
            return false;
        }
    }

    /// <summary>The response of a unary or client-streaming call.</summary>
    public async Task<TResponse> GetResponseAsync()
    {
        if (!await _startTask!.ConfigureAwait(false))
        {
            lock (_lock)
            {
                if (_status!.Value.StatusCode == StatusCode.OK)
                {
                    // Trailers-Only with OK: a unary call cannot succeed without a message.
                    _status = new Status(StatusCode.Internal, "Failed to deserialize response message. The response had no message.");
                }
            }
            throw CurrentException();
        }
        var (hasMessage, message) = await ReadMessageAsync().ConfigureAwait(false);
        if (!hasMessage)
        {
            var status = GetStatus();
            if (status.StatusCode == StatusCode.OK)
            {
                lock (_lock)
                {
                    _status = new Status(StatusCode.Internal, "Failed to deserialize response message. The response had no message.");
                }
            }
            throw CurrentException();
        }
        var (hasMore, _) = await ReadMessageAsync().ConfigureAwait(false);
        if (hasMore)
        {
            FinishAndReset(new Status(StatusCode.Internal, "Failed to deserialize response message. The response has more than one message."));
        }
        var finalStatus = GetStatus();
        if (finalStatus.StatusCode != StatusCode.OK)
        {
            throw CurrentException();
        }
        return message;
    }

    /// <summary>
    /// Reads the next response message. At the end of the stream, decides the status from the
    /// trailers and returns <c>false</c> (OK) or throws (any other status).
    /// </summary>
    internal async Task<(bool HasMessage, TResponse Message)> ReadMessageAsync(CancellationToken cancellationToken = default)
    {
        if (!await _startTask!.ConfigureAwait(false))
        {
            return FinishedRead();
        }
        if (_responseEnded || GetStatusOrNull() is not null)
        {
            return FinishedRead();
        }
        var reader = _reader!;
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).OnUserCancelled(), this)
            : default;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(_callCts.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                FinishWithException(ex);
                return FinishedRead();
            }
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                if (MessageFraming.TryReadMessage(ref buffer, _channel.MaxReceiveMessageSize, out var compressed, out var payload))
                {
                    consumed = buffer.Start;
                    return (true, DeserializeResponse(payload, compressed));
                }
                if (result.IsCompleted)
                {
                    _responseEnded = true;
                    if (buffer.Length > 0)
                    {
                        FinishAndReset(new Status(StatusCode.Internal, "Incomplete message: the response stream ended inside a message."));
                        return FinishedRead();
                    }
                    FinishWithTrailers();
                    return FinishedRead();
                }
            }
            catch (RpcException ex)
            {
                FinishAndReset(ex.Status);
                return FinishedRead();
            }
            finally
            {
                reader.AdvanceTo(consumed, buffer.End);
            }
        }
    }

    private (bool, TResponse) FinishedRead()
    {
        var status = GetStatusOrNull() ?? throw new InvalidOperationException("The response ended without a status.");
        return status.StatusCode == StatusCode.OK ? (false, default!) : throw CurrentException();
    }

    private Status? GetStatusOrNull()
    {
        lock (_lock)
        {
            return _status;
        }
    }

    private TResponse DeserializeResponse(System.Buffers.ReadOnlySequence<byte> payload, bool compressed)
    {
        if (compressed && _responseDecompressor is null)
        {
            // compression.md: a response compressed with an algorithm the client does not
            // support (or with no grpc-encoding at all) is INTERNAL.
            throw new RpcException(new Status(StatusCode.Internal, _responseEncoding is null or GrpcProtocolConstants.IdentityEncoding
                ? "Response message is compressed but the response has no grpc-encoding."
                : $"Unsupported grpc-encoding value '{_responseEncoding}'. Supported encodings: {_channel.AcceptEncodingValue}"));
        }
        return _incoming.Deserialize(payload, compressed, _responseDecompressor, _channel.MaxReceiveMessageSize,
            _method.ResponseMarshaller.ContextualDeserializer, "response");
    }

    private void FinishWithTrailers()
    {
        var response = _response!;
        var trailers = response.TrailingHeaders;
        if (!trailers.TryGetValues(GrpcProtocolConstants.StatusTrailer, out var statusValues))
        {
            Finish(new Status(StatusCode.Unknown, "No grpc-status found on response."), ToMetadata(trailers, null));
            return;
        }
        Finish(ParseStatus(statusValues, trailers), ToMetadata(trailers, null));
    }

    private void FinishAndReset(Status status) => Cancel(status);

    private void FinishWithException(Exception ex)
    {
        if (GetStatusOrNull() is not null)
        {
            return;
        }
        var status = ex switch
        {
            RpcException rpc => rpc.Status,
            OperationCanceledException when _options.CancellationToken.IsCancellationRequested => new Status(StatusCode.Cancelled, "Call canceled by the client.", ex),
            _ when FindProtocolException(ex) is { } protocol => new Status(StatusMapping.FromHttp2ErrorCode(protocol.ErrorCode),
                $"HTTP/2 stream reset by the server ({StatusMapping.Http2ErrorName(protocol.ErrorCode)}).", ex),
            HttpRequestException or IOException => new Status(StatusCode.Unavailable, $"Error connecting to {_channel.Address}: {Innermost(ex).Message}", ex),
            OperationCanceledException => new Status(StatusCode.Cancelled, "Call canceled.", ex),
            _ => new Status(StatusCode.Internal, $"Error in the gRPC call: {ex.GetType().Name}: {ex.Message}", ex),
        };
        if (status.StatusCode is StatusCode.Unavailable or StatusCode.Internal)
        {
            GrpcClientLog.CallStartFailed(_channel.Logger, _method.FullName, status.Detail, ex);
        }
        Cancel(status);
    }

    private static HttpProtocolException? FindProtocolException(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is HttpProtocolException protocol)
            {
                return protocol;
            }
        }
        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }
        return ex;
    }

    private static Status ParseStatus(IEnumerable<string> statusValues, HttpHeaders headers)
    {
        var text = statusValues.FirstOrDefault();
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return new Status(StatusCode.Unknown, $"Unexpected grpc-status value: '{text}'.");
        }
        var detail = headers.TryGetValues(GrpcProtocolConstants.MessageTrailer, out var messages)
            ? PercentEncoding.Decode(messages.FirstOrDefault() ?? "")
            : "";
        return new Status((StatusCode)code, detail);
    }

    // Response metadata excludes the protocol's own headers (grpc-dotnet's ShouldSkipHeader).
    private static Metadata ToMetadata(HttpHeaders headers, HttpHeaders? contentHeaders)
    {
        var metadata = new Metadata();
        Add(headers);
        if (contentHeaders is not null)
        {
            Add(contentHeaders);
        }
        return metadata;

        void Add(HttpHeaders source)
        {
            foreach (var (name, values) in source.NonValidated)
            {
                var key = name.ToLowerInvariant();
                if (key.StartsWith(':') || key is "grpc-status" or "grpc-message" or "grpc-encoding" or "grpc-accept-encoding"
                    or "content-type" or "content-encoding" or "content-length" or "date" or "server")
                {
                    continue;
                }
                foreach (var value in values)
                {
                    try
                    {
                        if (Metadata.IsBinaryKey(key))
                        {
                            foreach (var bytes in BinaryHeader.Decode(value))
                            {
                                metadata.Add(key, bytes);
                            }
                        }
                        else
                        {
                            metadata.Add(key, value);
                        }
                    }
                    catch (Exception ex) when (ex is FormatException or ArgumentException)
                    {
                        // A malformed metadata value from the server is dropped, not fatal to the call.
                    }
                }
            }
        }
    }
}
