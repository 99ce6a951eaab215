using Federation.Client;
using Federation.Protocol.V1;
using Federation.Reporting;

namespace Federation.Fedctl.Commands;

/// <summary>A node over gRPC, through the client library (its argument checks included).</summary>
internal sealed class ClientReportSource(FederationClient client) : IReportSource
{
    public Task<NodeStatus> GetNodeStatusAsync(CancellationToken cancellationToken) => client.GetNodeStatusAsync(cancellationToken);

    public Task<Indicators> GetIndicatorsAsync(GetIndicatorsRequest request, CancellationToken cancellationToken) =>
        client.GetIndicatorsAsync(request.Period, request.From, request.To, request.Division.Length == 0 ? null : request.Division, request.EmployedTotal,
            request.CalendarMonth, cancellationToken);

    public Task<EnterpriseSummary> GetEnterpriseSummaryAsync(GetEnterpriseSummaryRequest request, CancellationToken cancellationToken) =>
        client.GetEnterpriseSummaryAsync(request.Month, request.Period.Length == 0 ? null : request.Period, request.WarnPercent, request.WarnPeople, cancellationToken);
}
