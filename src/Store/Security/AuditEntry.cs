namespace Federation.Store.Security;

/// <summary>One call as the audit log keeps it. <see cref="Subject"/> is masked; <see cref="SubjectKey"/> is a keyed hash of the full subject.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Principal, string OnBehalfOf, string Method, string Subject, string SubjectKey,
    string Outcome, string Node);
