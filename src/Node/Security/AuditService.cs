using Federation.Protocol.V1;
using Federation.Store.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Federation.Node.Security;

/// <summary><c>federation.v1.Audit</c>: auditors read and check this node's audit log .</summary>
internal sealed class AuditService(AuditLog log, AuditTrail trail) : Protocol.V1.Audit.AuditBase
{
    public override Task<ReadAuditResponse> ReadAudit(ReadAuditRequest request, ServerCallContext context)
    {
        var limit = request.Limit == 0 ? 100 : request.Limit is >= 1 and <= 1000 ? request.Limit
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"limit is {request.Limit}; it must be 0 (default 100) or 1 … 1000"));
        var entries = log.Read(request.AfterSeq, limit, request.Account.Length == 0 ? null : request.Account, request.Subject.Length == 0 ? null : trail.SubjectKey(request.Subject.Trim()));
        var head = log.Head();
        var response = new ReadAuditResponse { HeadSeq = head.Seq, HeadHash = head.Hash };
        response.Records.AddRange(entries.Select(e => new AuditRecord
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
        }));
        return Task.FromResult(response);
    }

    public override Task<VerifyAuditResponse> VerifyAudit(VerifyAuditRequest request, ServerCallContext context)
    {
        var problems = log.Verify();
        var response = new VerifyAuditResponse { Intact = problems.Count == 0, Entries = log.Head().Seq };
        response.Problems.AddRange(problems.Select(p => $"{p.Seq}: {p.Kind}: {p.Detail}"));
        return Task.FromResult(response);
    }
}
