using System.Collections.Concurrent;
using Federation.Node.Hosting;
using Grpc.Net.Client;

namespace Federation.Node.Verification;

/// <summary>
/// One long-lived channel per node this one calls (its children; the demo's nodes): a routed
/// verification must not pay for a new HTTP/2 connection per hop. Disposed with its owner.
/// </summary>
internal sealed class ChildChannels : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public GrpcChannel For(ChildOptions child) => For(child.Id, child.Address);

    public GrpcChannel For(string nodeId, string address) => _channels.GetOrAdd(nodeId, _ => GrpcChannel.ForAddress(address));

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
        _channels.Clear();
    }
}
