namespace Grpc.Core;

/// <summary>Writes the request stream of a client-streaming or duplex call.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Half-closes the request stream: the server sees its end.</summary>
    Task CompleteAsync();
}
