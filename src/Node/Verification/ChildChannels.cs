using System.Collections.Concurrent;
using Federation.Node.Hosting;
using Grpc.Net.Client;

namespace Federation.Node.Verification;

/// <summary>
/// One long-lived channel per child for routed queries: a verification must not pay for a new
/// HTTP/2 connection per hop. Disposed with the node.
/// </summary>
internal sealed class ChildChannels : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public GrpcChannel For(ChildOptions child) => _channels.GetOrAdd(child.Id, _ => GrpcChannel.ForAddress(child.Address));

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
        _channels.Clear();
    }
}
