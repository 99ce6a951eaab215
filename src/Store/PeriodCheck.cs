namespace Federation.Store;

/// <summary>
/// One sealed or received period of a backup, checked against its manifest: <c>Source</c> is empty
/// for this node's own sealed period and the child's id for a received one.
/// </summary>
public sealed record PeriodCheck(string Source, Period Period, string Digest, bool Matches);
