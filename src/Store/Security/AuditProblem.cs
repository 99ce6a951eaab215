namespace Federation.Store.Security;

/// <summary>What <see cref="AuditLog.Verify"/> found wrong, and where.</summary>
public sealed record AuditProblem(long Seq, string Kind, string Detail);
