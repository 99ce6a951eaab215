namespace Federation.Store;

/// <summary>A child's committed snapshot that went into a parent's merged period.</summary>
public sealed record MergedSource(string ChildId, Period Period, string Digest);
