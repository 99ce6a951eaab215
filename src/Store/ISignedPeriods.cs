namespace Federation.Store;

/// <summary>
/// Signed period manifests (docs/security.md, "Signed periods"): this node's own, written at seal,
/// and at a parent those its children delivered — theirs and the ones they passed up from below.
/// One per node and period, never changed or deleted: a node cannot replace a period it signed.
/// </summary>
public interface ISignedPeriods
{
    /// <summary>The signed manifest of <paramref name="nodeId"/>'s period, or null (never signed, or sealed before signing existed).</summary>
    SignedPeriod? Find(string nodeId, Period period);

    /// <summary>Every signed manifest held, by node then period.</summary>
    IReadOnlyList<SignedPeriod> List();

    /// <summary>
    /// Records received signed manifests in one transaction. One already held with the same
    /// statement is kept as it is; one whose statement differs from what is held for the same node
    /// and period refuses the whole call (<see cref="StoreException"/>) and records nothing.
    /// </summary>
    void Record(IReadOnlyList<SignedPeriod> periods, DateTimeOffset now);
}
