namespace Federation.Store.Security;

/// <summary>An update that proves nothing either way: entries missing, out of order or beyond the head the child gave.</summary>
public sealed class AuditProofException(string message) : Exception(message);
