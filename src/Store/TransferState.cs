namespace Federation.Store;

/// <summary>
/// A child snapshot transfer in progress on a parent: which snapshot (period and digest) and how
/// far it got (the cursor: the last dataset, origin and key received).
/// </summary>
public sealed record TransferState(string ChildId, Period Period, string Digest, string Dataset, string AfterOrigin, string AfterKey, long Records);
