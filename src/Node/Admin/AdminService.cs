using Federation.Node.Hosting;
using Federation.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Federation.Node.Admin;

/// <summary><c>federation.v1.Admin</c>: what operators ask a node about itself.</summary>
internal sealed class AdminService(NodeIdentity identity, TimeProvider time) : Protocol.V1.Admin.AdminBase
{
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
        foreach (var child in identity.Children)
        {
            status.Children.Add(new ChildNode
            {
                NodeId = child.Id,
                DivisionCode = child.DivisionCode,
                DivisionName = Standards.DivisionTable.Default.Find(child.DivisionCode)?.Name ?? "",
                Address = child.Address,
            });
        }
        return Task.FromResult(status);
    }
}
