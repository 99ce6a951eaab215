using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
internal sealed class HttpContextStreamReader<T>(HttpContextServerCallContext context, Marshaller<T> marshaller) : IAsyncStreamReader<T>
{
    private bool _readInProgress;

    public T Current { get; private set; } = default!;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_readInProgress)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }
        _readInProgress = true;
        try
        {
            var token = cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken;
            var (hasMessage, message) = await context.ReadStreamMessageAsync(marshaller, token).ConfigureAwait(false);
            if (!hasMessage)
            {
                Current = default!;
                return false;
            }
            Current = message;
            return true;
        }
        catch (OperationCanceledException) when (context.DeadlineExceeded)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
        }
        finally
        {
            _readInProgress = false;
        }
    }
}
