namespace Federation.Store;

/// <summary>
/// An operation the store refuses or could not do: the message says what and why. A failure of the
/// database itself (SQLite's, PostgreSQL's) is wrapped in one at the store's boundary, with its
/// <see cref="Kind"/>, so that nothing above the store catches a driver's exception.
/// </summary>
public sealed class StoreException(string message, Exception? inner = null, StoreFailure kind = StoreFailure.Refused) : Exception(message, inner)
{
    /// <summary>What kind of failure this is; <see cref="StoreFailure.Refused"/> for the store's own refusals.</summary>
    public StoreFailure Kind { get; } = kind;
}
