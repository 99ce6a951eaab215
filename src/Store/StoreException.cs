namespace Federation.Store;

/// <summary>An operation the store refuses: the message says what and why.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
