namespace Federation.Store.Security;

/// <summary>An entry with its place in the chain.</summary>
public sealed record ChainedAuditEntry(long Seq, AuditEntry Entry, string Prev, string Hash);
