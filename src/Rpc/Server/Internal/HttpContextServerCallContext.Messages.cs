using System.Buffers;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Compression;

namespace Grpc.AspNetCore.Server.Internal;

// Reading request messages from the request body pipe and writing response messages to the
// response body pipe (PROTOCOL-HTTP2.md "Length-Prefixed-Message").
internal sealed partial class HttpContextServerCallContext
{
    private bool _requestCompleted;

    /// <summary>
    /// Reads the one request message of a unary or server-streaming call, and checks that the
    /// request stream then ends (a second message is a protocol error).
    /// </summary>
    public async Task<T> ReadSingleMessageAsync<T>(Marshaller<T> marshaller)
    {
        var reader = HttpContext.Request.BodyReader;
        var cancellationToken = CancellationTokenCore;
        var haveMessage = false;
        T message = default!;
        while (true)
        {
            var result = await ReadBodyAsync(reader, cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                if (!haveMessage && MessageFraming.TryReadMessage(ref buffer, Options.MaxReceiveMessageSize, out var compressed, out var payload))
                {
                    message = DeserializeRequest(payload, compressed, marshaller);
                    haveMessage = true;
                    consumed = buffer.Start;
                }
                if (haveMessage && buffer.Length > 0)
                {
                    throw new RpcException(new Status(StatusCode.Internal, "Additional data after the message received."));
                }
                if (result.IsCompleted)
                {
                    if (!haveMessage)
                    {
                        throw new RpcException(new Status(StatusCode.Internal, buffer.Length == 0
                            ? "Request did not include a message."
                            : "Incomplete message: the request stream ended inside a message."));
                    }
                    _requestCompleted = true;
                    return message;
                }
            }
            finally
            {
                AdvanceBody(reader, consumed, buffer.End);
            }
        }
    }

    /// <summary>Reads the next request message of a streaming call; <c>false</c> at the end.</summary>
    public async Task<(bool HasMessage, T Message)> ReadStreamMessageAsync<T>(Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        if (_requestCompleted)
        {
            return (false, default!);
        }
        var reader = HttpContext.Request.BodyReader;
        while (true)
        {
            var result = await ReadBodyAsync(reader, cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                if (MessageFraming.TryReadMessage(ref buffer, Options.MaxReceiveMessageSize, out var compressed, out var payload))
                {
                    var message = DeserializeRequest(payload, compressed, marshaller);
                    consumed = buffer.Start;
                    return (true, message);
                }
                if (result.IsCompleted)
                {
                    if (buffer.Length > 0)
                    {
                        throw new RpcException(new Status(StatusCode.Internal, "Incomplete message: the request stream ended inside a message."));
                    }
                    _requestCompleted = true;
                    return (false, default!);
                }
            }
            finally
            {
                AdvanceBody(reader, consumed, buffer.End);
            }
        }
    }

    // A client that resets its stream (cancellation, deadline on its side, a dropped connection)
    // makes Kestrel's reader throw IOException; that is a cancelled call, not a server fault.
    private static async ValueTask<System.IO.Pipelines.ReadResult> ReadBodyAsync(System.IO.Pipelines.PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw ClientReset(ex);
        }
    }

    private static void AdvanceBody(System.IO.Pipelines.PipeReader reader, SequencePosition consumed, SequencePosition examined)
    {
        try
        {
            reader.AdvanceTo(consumed, examined);
        }
        catch (IOException ex)
        {
            throw ClientReset(ex);
        }
    }

    private static RpcException ClientReset(IOException ex) =>
        new(new Status(StatusCode.Cancelled, $"Call canceled by the client: {ex.Message}", ex));

    private T DeserializeRequest<T>(ReadOnlySequence<byte> payload, bool compressed, Marshaller<T> marshaller)
    {
        LastRequestMessageCompressed = compressed;
        ICompressionProvider? decompressor = null;
        if (compressed)
        {
            decompressor = ResolveRequestDecompressor();
        }
        return Incoming.Deserialize(payload, compressed, decompressor, Options.MaxReceiveMessageSize, marshaller.ContextualDeserializer, "request");
    }

    // compression.md: a compressed message without grpc-encoding (or with "identity") is INTERNAL;
    // an encoding the server lacks is UNIMPLEMENTED, and the response then lists what it supports.
    private ICompressionProvider ResolveRequestDecompressor()
    {
        if (_requestEncoding is null)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Request did not include grpc-encoding value with compressed message."));
        }
        if (_requestEncoding == GrpcProtocolConstants.IdentityEncoding)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Request sent 'identity' grpc-encoding value with compressed message."));
        }
        if (!Options.CompressionProviders.TryGetValue(_requestEncoding, out var provider))
        {
            throw new RpcException(new Status(StatusCode.Unimplemented,
                $"Unsupported grpc-encoding value '{_requestEncoding}'. Supported encodings: {Options.AcceptEncodingValue.Replace(",", ", ", StringComparison.Ordinal)}"));
        }
        return provider;
    }

    /// <summary>
    /// Writes one response message. Streamed messages are flushed (one DATA frame each) unless
    /// <see cref="WriteFlags.BufferHint"/> is set; the unary response is not flushed, so Kestrel
    /// sends it together with the trailers.
    /// </summary>
    public async Task WriteMessageAsync<T>(T message, Marshaller<T> marshaller, WriteOptions? writeOptions, bool flush, CancellationToken cancellationToken)
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            ThrowIfCallEnded();
            await EnsureResponseStartedAsync().ConfigureAwait(false);
            var writer = HttpContext.Response.BodyWriter;
            Outgoing.Serialize(message, marshaller.ContextualSerializer, writer, ResponseCompressorFor(writeOptions),
                Options.ResponseCompressionLevel, Options.MaxSendMessageSize);
            if (flush && (EffectiveFlags(writeOptions) & WriteFlags.BufferHint) == 0)
            {
                var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                // FlushAsync does not report IsCanceled when the request is aborted
                // (dotnet/aspnetcore#40788): check the token so a streaming loop stops.
                if (result.IsCanceled || HttpContext.RequestAborted.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The client cancelled the call or the connection closed.", HttpContext.RequestAborted);
                }
            }
        }
        finally
        {
            Exit();
        }
    }
}
