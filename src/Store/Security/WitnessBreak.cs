namespace Federation.Store.Security;

/// <summary>A child's chain found no longer extending the witnessed head; open until acknowledged.</summary>
public sealed record WitnessBreak(long Id, string ChildId, DateTimeOffset DetectedAt, string Kind, long Seq, string Problem,
    long WitnessedSeq, string WitnessedHash, long ChildSeq, string ChildHash, DateTimeOffset? AcknowledgedAt, string AcknowledgedBy, string Reason)
{
    public bool Open => AcknowledgedAt is null;
}
