using Federation.Node.Hosting;
using Federation.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Federation.Node.Admin;

/// <summary><c>federation.v1.Admin</c>: what operators ask a node about itself.</summary>
internal sealed class AdminService(NodeIdentity identity, TimeProvider time, Federation.Store.FederationStore store,
    Exchange.Parent.ResyncOperations resyncs) : Protocol.V1.Admin.AdminBase
{
    public override Task<Operation> TriggerResync(TriggerResyncRequest request, ServerCallContext context)
    {
        if (identity.Children.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Node {identity.Id} has no children to resync."));
        }
        var children = identity.Children.Where(c => request.ChildId.Length == 0 || c.Id == request.ChildId).ToList();
        if (children.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"child_id '{request.ChildId}' is not a child of {identity.Id}; children: {string.Join(", ", identity.Children.Select(c => c.Id))}"));
        }
        DateOnly? period = null;
        if (request.Period.Length > 0)
        {
            period = DateOnly.TryParseExact(request.Period, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var asOf)
                ? asOf
                : throw new RpcException(new Status(StatusCode.InvalidArgument, $"period must be a date YYYY-MM-DD, got '{request.Period}'"));
        }
        return Task.FromResult(resyncs.Start(children, period));
    }

    public override Task<Operation> GetOperation(GetOperationRequest request, ServerCallContext context) =>
        Task.FromResult(resyncs.Get(request.Id) ?? throw new RpcException(new Status(StatusCode.NotFound, $"No operation '{request.Id}' on this node (operations are kept in memory, the last 100).")));

    public override Task<NodeStatus> GetNodeStatus(GetNodeStatusRequest request, ServerCallContext context)
    {
        var status = new NodeStatus
        {
            NodeId = identity.Id,
            Level = identity.Level switch
            {
                Hosting.NodeLevel.City => Protocol.V1.NodeLevel.City,
                Hosting.NodeLevel.Province => Protocol.V1.NodeLevel.Province,
                _ => Protocol.V1.NodeLevel.Ministry,
            },
            DivisionCode = identity.DivisionCode,
            DivisionName = identity.DivisionName,
            Version = NodeIdentity.Version,
            StartedAt = Timestamp.FromDateTimeOffset(identity.StartedAt),
            Uptime = Duration.FromTimeSpan(time.GetUtcNow() - identity.StartedAt),
        };
        status.ListenAddresses.AddRange(identity.ListenAddresses);
        var links = identity.Children.Count == 0 ? [] : store.ListChildLinks().ToDictionary(l => l.ChildId, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var child in identity.Children)
        {
            var node = new ChildNode
            {
                NodeId = child.Id,
                DivisionCode = child.DivisionCode,
                DivisionName = Standards.DivisionTable.Default.Find(child.DivisionCode)?.Name ?? "",
                Address = child.Address,
                NeverPulled = true,
            };
            if (links.TryGetValue(child.Id, out var link))
            {
                node.NeverPulled = link.LastSuccessAt is null;
                node.Period = link.Period;
                node.Digest = link.Digest;
                node.Records = link.Records;
                node.Bytes = link.Bytes;
                node.Stale = link.Stale;
                node.LastError = link.LastError;
                if (link.LastSuccessAt is { } success)
                {
                    node.LastSuccessAt = Timestamp.FromDateTimeOffset(success);
                    node.Lag = Duration.FromTimeSpan(now - success);
                }
                if (link.LastErrorAt is { } error)
                {
                    node.LastErrorAt = Timestamp.FromDateTimeOffset(error);
                }
            }
            status.Children.Add(node);
        }
        return Task.FromResult(status);
    }
}
