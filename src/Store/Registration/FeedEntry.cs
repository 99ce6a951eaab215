namespace Federation.Store.Registration;

/// <summary>One change of a node's feed: its own (origin = this node) or relayed from a child, with an opaque body the node encodes.</summary>
public sealed record FeedEntry(long Seq, string Origin, string OriginEpoch, long OriginSeq, DateTimeOffset RecordedAt, byte[] Body);
