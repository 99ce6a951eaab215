using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Store.Security;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Node.Security;

/// <summary>
/// <c>federation.v1.Audit</c>: auditors read and check this node's audit log (R-20), and acknowledge
/// a break its witness found in a child's.
/// </summary>
internal sealed partial class AuditService(AuditLog log, AuditTrail trail, Configuration.NodeIdentity identity, AuditWitnesses witnesses,
    Exchange.Parent.AuditWitnessService witness, TimeProvider time, ILogger<AuditService> logger) : Protocol.V1.Audit.AuditBase
{
    private const int MinReasonLength = 10;
    private const int MaxReasonLength = 1000;

    public override Task<Protocol.V1.WitnessBreak> AcknowledgeWitnessBreak(AcknowledgeWitnessBreakRequest request, ServerCallContext context)
    {
        var child = identity.Children.FirstOrDefault(c => c.Id == request.ChildId)
            ?? throw new InvalidRequestException(identity.Children.Count == 0
                ? $"child_id '{request.ChildId}': {identity.Id} has no children, so no witness to acknowledge"
                : $"child_id '{request.ChildId}' is not a child of {identity.Id}; children: {string.Join(", ", identity.Children.Select(c => c.Id))}");
        var reason = request.Reason.Trim();
        if (reason.Length is < MinReasonLength or > MaxReasonLength)
        {
            throw new InvalidRequestException(
                $"reason has {reason.Length} characters; say what was found and done, in {MinReasonLength} … {MaxReasonLength} characters");
        }
        var by = context.UserState.TryGetValue(Caller.UserStateKey, out var caller) && caller is Caller c ? c.AuditName : "local";
        Federation.Store.Security.WitnessBreak acknowledged;
        try
        {
            acknowledged = witnesses.Acknowledge(child.Id, by, reason, time.GetUtcNow());
        }
        catch (Federation.Store.StoreException ex)
        {
            throw new PreconditionFailedException(ex.Message);
        }
        // The reason is free text: kept with the break, not written to the log.
        BreakAcknowledged(logger, child.Id, acknowledged.Kind, acknowledged.Seq, by);
        // The stream starts again from the child's head as it now is: the new baseline.
        witness.Reopen(child.Id);
        return Task.FromResult(ToMessage(acknowledged));
    }

    /// <summary>A break as status and the acknowledgement show it.</summary>
    internal static Protocol.V1.WitnessBreak ToMessage(Federation.Store.Security.WitnessBreak b)
    {
        var message = new Protocol.V1.WitnessBreak
        {
            ChildId = b.ChildId,
            DetectedAt = Timestamp.FromDateTimeOffset(b.DetectedAt),
            Kind = b.Kind,
            Seq = b.Seq,
            Problem = b.Problem,
            WitnessedSeq = b.WitnessedSeq,
            WitnessedHash = b.WitnessedHash,
            ChildSeq = b.ChildSeq,
            ChildHash = b.ChildHash,
            AcknowledgedBy = b.AcknowledgedBy,
            Reason = b.Reason,
        };
        if (b.AcknowledgedAt is { } at)
        {
            message.AcknowledgedAt = Timestamp.FromDateTimeOffset(at);
        }
        return message;
    }

    [LoggerMessage(2225, LogLevel.Warning, "{ChildId}'s audit witness break ({Kind} at entry {Seq}) acknowledged by {By}; its next head is the new baseline", EventName = "AuditWitnessBreakAcknowledged")]
    private static partial void BreakAcknowledged(ILogger logger, string childId, string kind, long seq, string by);

    public override Task<ReadAuditResponse> ReadAudit(ReadAuditRequest request, ServerCallContext context)
    {
        var limit = request.Limit == 0 ? 100 : request.Limit is >= 1 and <= 1000 ? request.Limit
            : throw new InvalidRequestException($"limit is {request.Limit}; it must be 0 (default 100) or 1 … 1000");
        var entries = log.Read(request.AfterSeq, limit, request.Account.Length == 0 ? null : request.Account, request.Subject.Length == 0 ? null : trail.SubjectKey(request.Subject.Trim()));
        var head = log.Head();
        var response = new ReadAuditResponse { HeadSeq = head.Seq, HeadHash = head.Hash };
        response.Records.AddRange(entries.Select(ToRecord));
        return Task.FromResult(response);
    }

    /// <summary>An entry as it travels: to an auditor, and to the parent's witness (which recomputes its hash from these fields).</summary>
    internal static AuditRecord ToRecord(ChainedAuditEntry e) => new()
    {
        Seq = e.Seq,
        At = Timestamp.FromDateTimeOffset(e.Entry.At),
        Principal = e.Entry.Principal,
        OnBehalfOf = e.Entry.OnBehalfOf,
        Method = e.Entry.Method,
        Subject = e.Entry.Subject,
        SubjectKey = e.Entry.SubjectKey,
        Outcome = e.Entry.Outcome,
        Node = e.Entry.Node,
        Prev = e.Prev,
        Hash = e.Hash,
    };

    /// <summary>An entry as received from another node; the parent's witness checks it (<see cref="AuditChainProof"/>).</summary>
    internal static ChainedAuditEntry FromRecord(AuditRecord r) =>
        new(r.Seq, new AuditEntry(r.At?.ToDateTimeOffset() ?? DateTimeOffset.MinValue, r.Principal, r.OnBehalfOf, r.Method, r.Subject, r.SubjectKey, r.Outcome, r.Node), r.Prev, r.Hash);

    public override Task<VerifyAuditResponse> VerifyAudit(VerifyAuditRequest request, ServerCallContext context)
    {
        var problems = log.Verify();
        var response = new VerifyAuditResponse { Intact = problems.Count == 0, Entries = log.Head().Seq };
        response.Problems.AddRange(problems.Select(p => $"{p.Seq}: {p.Kind}: {p.Detail}"));
        return Task.FromResult(response);
    }
}
