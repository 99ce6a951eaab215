using Grpc.Core;

namespace Grpc.Net.Client.Internal;

// Writing the request stream of client-streaming and duplex calls.
internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private readonly System.Buffers.ArrayBufferWriter<byte> _writeBuffer = new();
    private Task _lastWrite = Task.CompletedTask;
    private bool _requestCompleted;

    internal WriteOptions? RequestWriteOptions { get; set; }

    internal Task WriteRequestAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_lastWrite.IsCompleted)
        {
            return Task.FromException(new InvalidOperationException("Can't write the message because the previous write is in progress."));
        }
        return _lastWrite = WriteRequestCoreAsync(message, cancellationToken);
    }

    private async Task WriteRequestCoreAsync(TRequest message, CancellationToken cancellationToken)
    {
        if (_requestCompleted)
        {
            throw new InvalidOperationException("Can't write the message because the request stream is complete.");
        }
        ThrowIfFinishedWithError();
        Stream stream;
        try
        {
            stream = await _pushContent!.StreamTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The content was aborted: the call ended before the request stream opened.
            throw CallEndedException();
        }

        _writeBuffer.ResetWrittenCount();
        try
        {
            _outgoing.Serialize(message, _method.RequestMarshaller.ContextualSerializer, _writeBuffer,
                RequestCompressorFor(RequestWriteOptions ?? _options.WriteOptions), _channel.RequestCompressionLevel, _channel.MaxSendMessageSize);
        }
        catch (RpcException ex)
        {
            Cancel(ex.Status);
            throw CurrentException();
        }

        try
        {
            // Header and payload in one write, then flush: one DATA frame per message (dotnet/runtime#35184).
            await stream.WriteAsync(_writeBuffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (GetStatusOrNull() is null)
            {
                FinishWithException(ex);
            }
            throw CallEndedException();
        }
        finally
        {
            if (_writeBuffer.Capacity > 1024 * 1024)
            {
                // A one-off large message should not pin a large buffer for the rest of the call.
                _writeBuffer.Clear();
            }
        }
    }

    internal async Task CompleteRequestAsync()
    {
        if (_requestCompleted)
        {
            return;
        }
        await _lastWrite.ConfigureAwait(false);
        _requestCompleted = true;
        _pushContent!.Complete();
    }

    private void ThrowIfFinishedWithError()
    {
        var status = GetStatusOrNull();
        if (status is not null)
        {
            throw CallEndedException();
        }
    }

    private Exception CallEndedException()
    {
        var status = GetStatusOrNull();
        return status is { StatusCode: not StatusCode.OK }
            ? CurrentException()
            : new InvalidOperationException("Can't write the message because the call is complete.");
    }
}
