namespace Federation.Store;

/// <summary>
/// A parent's record of one child link: the last attempt, the last successful pull (period,
/// digest, records, bytes) and the last error. A link is stale when its last attempt failed.
/// </summary>
public sealed record ChildLink(string ChildId, DateTimeOffset LastAttemptAt, DateTimeOffset? LastSuccessAt, Period? Period, string Digest,
    long Records, long Bytes, string LastError, DateTimeOffset? LastErrorAt)
{
    /// <summary>Whether the last attempt failed (the parent serves the last good snapshot).</summary>
    public bool Stale => LastErrorAt is { } error && (LastSuccessAt is null || error > LastSuccessAt);
}
