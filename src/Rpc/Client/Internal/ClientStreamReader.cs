using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
internal sealed class ClientStreamReader<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    where TRequest : class where TResponse : class
{
    private bool _readInProgress;

    public TResponse Current { get; private set; } = default!;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_readInProgress)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }
        _readInProgress = true;
        try
        {
            var (hasMessage, message) = await call.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
            Current = message;
            return hasMessage;
        }
        finally
        {
            _readInProgress = false;
        }
    }
}
