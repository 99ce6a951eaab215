using System.Buffers;
using System.Net;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// The request body of a unary or server-streaming call: one framed message, serialized before
/// the request starts, written with a single write (header and payload together).
/// </summary>
internal sealed class UnaryContent : HttpContent
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public UnaryContent(ArrayBufferWriter<byte> buffer, System.Net.Http.Headers.MediaTypeHeaderValue contentType)
    {
        _buffer = buffer;
        Headers.ContentType = contentType;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_buffer.WrittenMemory).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        // No content-length: gRPC never sends one (and HTTP/2 does not need it).
        length = -1;
        return false;
    }
}
