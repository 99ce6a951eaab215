namespace Federation.Store.Security;

/// <summary>The newest entry of a log: how far it goes and the hash that commits to all of it.</summary>
public sealed record AuditHead(long Seq, string Hash);
