using Federation.Protocol.V1;

namespace Federation.Client;

// The calls of the audit service (auditors): reading and verifying the chain, acknowledging a witness break.
public sealed partial class FederationClient
{
    /// <summary>Audit entries after <paramref name="afterSeq"/> (auditors), optionally one account's or about one subject.</summary>
    public Task<ReadAuditResponse> ReadAuditAsync(long afterSeq = 0, int limit = 100, string? account = null, string? subject = null, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("read audit", options => new Audit.AuditClient(_channel).ReadAuditAsync(
            new ReadAuditRequest { AfterSeq = afterSeq, Limit = limit, Account = account ?? "", Subject = subject ?? "" }, options).ResponseAsync, cancellationToken);

    /// <summary>Has the node walk its audit chain (auditors).</summary>
    public Task<VerifyAuditResponse> VerifyAuditAsync(CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("verify audit", options => new Audit.AuditClient(_channel).VerifyAuditAsync(new VerifyAuditRequest(), options).ResponseAsync, cancellationToken);

    /// <summary>
    /// Acknowledges a break this (parent) node's witness found in a child's audit chain, with a reason
    /// (auditors): the break leaves status, metrics and health, and the child's next head is the new
    /// baseline. Not retried.
    /// </summary>
    public Task<WitnessBreak> AcknowledgeWitnessBreakAsync(string childId, string reason, CancellationToken cancellationToken = default) =>
        CallOnceAsync("acknowledge witness break", options => new Audit.AuditClient(_channel).AcknowledgeWitnessBreakAsync(
            new AcknowledgeWitnessBreakRequest { ChildId = childId, Reason = reason }, options).ResponseAsync, cancellationToken);
}
