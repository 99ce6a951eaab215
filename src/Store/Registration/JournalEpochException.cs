namespace Federation.Store.Registration;

/// <summary>A link's cursor counts in another epoch than the other node's journal now has: it was replaced (docs/registration.md, "Restoring").</summary>
public sealed class JournalEpochException(string message) : Exception(message);
