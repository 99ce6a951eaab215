namespace Federation.Store;

/// <summary>
/// A sealed period's manifest as its node signed it: the canonical statement (node, division,
/// period, counts, digest, the previous period's digest, the sources; its byte encoding is in
/// docs/snapshot-format.md), the signature over those bytes and the signer's certificate (DER).
/// The store keeps the bytes as received and never interprets them; the node checks them.
/// </summary>
/// <param name="NodeId">The node that sealed and signed the period.</param>
/// <param name="Period">The period's as-of date.</param>
/// <param name="Statement">The canonical statement's bytes, as signed.</param>
/// <param name="Signature">The signature over <paramref name="Statement"/> (DER).</param>
/// <param name="Certificate">The signer's certificate (DER).</param>
/// <param name="ReceivedFrom">The child it came from at a parent; "" for this node's own periods.</param>
public sealed record SignedPeriod(string NodeId, Period Period, byte[] Statement, byte[] Signature, byte[] Certificate, string ReceivedFrom = "")
{
    /// <summary>Whether <paramref name="other"/> states exactly what this one states (the signature bytes may differ).</summary>
    public bool SameStatement(SignedPeriod other) => Statement.AsSpan().SequenceEqual(other.Statement);
}
