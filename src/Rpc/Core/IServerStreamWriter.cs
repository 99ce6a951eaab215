namespace Grpc.Core;

/// <summary>Writes the response stream of a server-streaming or duplex call.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
}
