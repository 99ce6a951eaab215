using Federation.Protocol.V1;
using Grpc.Core;

namespace Federation.Client;

// The calls of the admin service: resync operations and the comparison findings.
public sealed partial class FederationClient
{
    /// <summary>
    /// Asks a parent node to pull one child (or all) now, for a period (YYYY-MM-DD) or the latest.
    /// Returns at once with the operation to follow with <see cref="GetOperationAsync"/>. Not retried.
    /// </summary>
    public async Task<Operation> TriggerResyncAsync(string? childId = null, string? period = null, CancellationToken cancellationToken = default)
    {
        CheckDate(period, nameof(period));
        try
        {
            return await new Admin.AdminClient(_channel).TriggerResyncAsync(new TriggerResyncRequest { ChildId = childId ?? "", Period = period ?? "" },
                new CallOptions(_headers, DateTime.UtcNow + _options.DefaultDeadline, cancellationToken)).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new FederationException("trigger resync", Address, ex);
        }
    }

    /// <summary>The state and progress of an operation.</summary>
    public Task<Operation> GetOperationAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return CallIdempotentAsync("get operation", options => new Admin.AdminClient(_channel).GetOperationAsync(new GetOperationRequest { Id = id }, options).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// The comparison (比对) findings of a sealed period (YYYY-MM-DD; null = the latest), optionally
    /// of one kind, every page.
    /// </summary>
    public async Task<ListFindingsResponse> ListFindingsAsync(string? period = null, string? kind = null, CancellationToken cancellationToken = default)
    {
        CheckDate(period, nameof(period));
        var request = new ListFindingsRequest { Period = period ?? "", Kind = kind ?? "", PageSize = 1000 };
        var all = await CallIdempotentAsync("list findings", options => new Admin.AdminClient(_channel).ListFindingsAsync(request, options).ResponseAsync, cancellationToken)
            .ConfigureAwait(false);
        var next = all.NextPageToken;
        while (next.Length > 0)
        {
            var page = request.Clone();
            page.Period = all.Period;
            page.PageToken = next;
            var more = await CallIdempotentAsync("list findings", options => new Admin.AdminClient(_channel).ListFindingsAsync(page, options).ResponseAsync, cancellationToken)
                .ConfigureAwait(false);
            all.Findings.AddRange(more.Findings);
            next = more.NextPageToken;
        }
        all.NextPageToken = "";
        return all;
    }
}
