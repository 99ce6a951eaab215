using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
internal sealed class ClientStreamWriter<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IClientStreamWriter<TRequest>
    where TRequest : class where TResponse : class
{
    public WriteOptions? WriteOptions
    {
        get => call.RequestWriteOptions;
        set => call.RequestWriteOptions = value;
    }

    public Task WriteAsync(TRequest message) => call.WriteRequestAsync(message, CancellationToken.None);

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken) => call.WriteRequestAsync(message, cancellationToken);

    public Task CompleteAsync() => call.CompleteRequestAsync();
}
