using Federation.Store;
namespace Federation.Node.Exchange.Parent;

/// <summary>What one pull of a child's snapshot did.</summary>
internal sealed record PullResult(string ChildId, Period Period, string Digest, long Records, long Bytes, bool AlreadyCurrent, bool Resumed, TimeSpan Duration);
