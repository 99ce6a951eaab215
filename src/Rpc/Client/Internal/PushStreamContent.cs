using System.Net;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// The request body of a client-streaming or duplex call. SocketsHttpHandler treats a custom
/// HttpContent as duplex: SendAsync returns when the response headers arrive while this content
/// is still being written. Returning from <see cref="SerializeToStreamAsync(Stream, TransportContext?)"/> ends
/// the request stream (END_STREAM).
/// </summary>
internal sealed class PushStreamContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _streamTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Deliberately without RunContinuationsAsynchronously: CompleteAsync must not return before
    // the content has finished, or disposing the call races END_STREAM and the server sees a
    // reset instead of a half-close (grpc/grpc-dotnet#1394).
    private readonly TaskCompletionSource _completeTcs = new();

    public PushStreamContent(System.Net.Http.Headers.MediaTypeHeaderValue contentType) => Headers.ContentType = contentType;

    /// <summary>The request stream, once the handler has started sending.</summary>
    public Task<Stream> StreamTask => _streamTcs.Task;

    public void Complete() => _completeTcs.TrySetResult();

    public void Abort()
    {
        _streamTcs.TrySetCanceled();
        _completeTcs.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // Send the request headers now, before the first message (dotnet/corefx#39586).
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _streamTcs.TrySetResult(stream);
        await _completeTcs.Task.ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
