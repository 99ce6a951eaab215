using System.Collections.Concurrent;
using Grpc.Core;

namespace Grpc.AspNetCore.Server;

/// <summary>
/// The services mapped on this server, in mapping order. Server reflection and health read it
/// to know what the server offers.
/// </summary>
public sealed class GrpcServiceRegistry
{
    private readonly ConcurrentDictionary<string, GrpcServiceRegistration> _byName = new(StringComparer.Ordinal);
    private readonly List<GrpcServiceRegistration> _ordered = [];
    private readonly Lock _lock = new();

    /// <summary>The mapped services.</summary>
    public IReadOnlyList<GrpcServiceRegistration> Services
    {
        get
        {
            lock (_lock)
            {
                return [.. _ordered];
            }
        }
    }

    /// <summary>Whether a service of this fully-qualified name is mapped.</summary>
    public bool IsMapped(string serviceName) => _byName.ContainsKey(serviceName);

    internal void Add(GrpcServiceRegistration registration)
    {
        lock (_lock)
        {
            if (!_byName.TryAdd(registration.Name, registration))
            {
                throw new InvalidOperationException($"gRPC service '{registration.Name}' is mapped twice.");
            }
            _ordered.Add(registration);
        }
    }

    internal bool UnimplementedEndpointMapped { get; set; }
}

/// <summary>One mapped service.</summary>
/// <param name="Name">The fully-qualified service name, e.g. <c>grpc.health.v1.Health</c>.</param>
/// <param name="BindType">The generated static class of the service (it has the <c>Descriptor</c> property).</param>
/// <param name="Methods">Its methods.</param>
public sealed record GrpcServiceRegistration(string Name, Type BindType, IReadOnlyList<IMethod> Methods);
