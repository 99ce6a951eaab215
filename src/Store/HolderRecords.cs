namespace Federation.Store;

/// <summary>
/// A person's records, per dataset (persons included), each with its origin; <see cref="CachedPeriod"/>
/// is the snapshot's period when they come from a child's copy, null when they are this node's current data.
/// </summary>
public sealed record HolderRecords(string CitizenId, IReadOnlyDictionary<Dataset, List<OriginRecord>> Records, Period? CachedPeriod);
