namespace Federation.Store.Security;

/// <summary>
/// The parent's side of the live witness: checks that a child's chain, as the child reports
/// it, still extends the head the parent witnessed last. The proof is the entries after that head,
/// whole: the parent recomputes each entry's hash from its fields and the hash before it
/// (<see cref="AuditLog.HashOf"/>), starting from its own witnessed hash, so it takes none of the
/// child's arithmetic on trust — not the links, not the hashes, not the head.
/// </summary>
public static class AuditChainProof
{
    /// <summary>
    /// Checks <paramref name="entries"/> (those after <paramref name="witnessed"/>, oldest first,
    /// possibly only the first page of them) and the child's <paramref name="childHead"/> against
    /// <paramref name="witnessed"/>.
    /// <paramref name="algorithm"/> is this tree's (<c>Security:Crypto</c>): every hash the child sends
    /// must say it is of that algorithm (SM3 hashes are written <c>sm3:</c>…), and the parent recomputes
    /// with it — never with an algorithm the child picks.
    /// </summary>
    /// <exception cref="AuditProofException">The update is malformed (a child not following the protocol, or chaining with another algorithm); it proves nothing.</exception>
    public static ChainCheck Check(AuditHead witnessed, IReadOnlyList<ChainedAuditEntry> entries, AuditHead childHead, DigestAlgorithm algorithm = DigestAlgorithm.Sha256)
    {
        RequireAlgorithm(childHead, algorithm);
        if (childHead.Seq < witnessed.Seq)
        {
            return Broken("cut", childHead.Seq + 1,
                $"the chain now holds {childHead.Seq} entries, but {witnessed.Seq} were witnessed: entries {childHead.Seq + 1}…{witnessed.Seq} were cut off its end");
        }
        if (entries.Count == 0)
        {
            if (childHead.Seq > witnessed.Seq)
            {
                throw new AuditProofException($"the child reports head {childHead.Seq} but sent none of the entries after {witnessed.Seq}");
            }
            return childHead.Hash == witnessed.Hash ? new ChainCheck(witnessed, null)
                : Broken("rewritten", witnessed.Seq,
                    $"entry {witnessed.Seq} now has hash {Short(childHead.Hash)}, not the {Short(witnessed.Hash)} witnessed: the history up to it was rewritten");
        }
        var prev = witnessed.Hash;
        var expected = witnessed.Seq + 1;
        foreach (var entry in entries)
        {
            if (entry.Seq != expected)
            {
                throw new AuditProofException($"entry {entry.Seq} came where entry {expected} belongs: an update lists the entries after the witnessed head, in order");
            }
            if (entry.Prev != prev)
            {
                return entry.Seq == witnessed.Seq + 1
                    ? Broken("rewritten", witnessed.Seq,
                        $"entry {entry.Seq} links to {Short(entry.Prev)}, not to entry {witnessed.Seq} as witnessed ({Short(witnessed.Hash)}): the history up to entry {witnessed.Seq} was rewritten")
                    : Broken("broken", entry.Seq, $"entry {entry.Seq} does not link to entry {entry.Seq - 1}");
            }
            if (AuditLog.HashOf(entry.Seq, entry.Entry, prev, algorithm) != entry.Hash)
            {
                return Broken("edited", entry.Seq, $"entry {entry.Seq}'s content does not match its hash");
            }
            prev = entry.Hash;
            expected++;
        }
        var last = entries[^1];
        if (last.Seq > childHead.Seq)
        {
            throw new AuditProofException($"the child sent entry {last.Seq}, beyond the head {childHead.Seq} it reports");
        }
        if (last.Seq == childHead.Seq && last.Hash != childHead.Hash)
        {
            return Broken("rewritten", last.Seq, $"the child's head {childHead.Seq} has hash {Short(childHead.Hash)}, but its entries compute to {Short(last.Hash)}");
        }
        return new ChainCheck(new AuditHead(last.Seq, last.Hash), null);

        ChainCheck Broken(string kind, long seq, string detail) => new(witnessed, new AuditProblem(seq, kind, detail));
    }

    /// <summary>
    /// Refuses a head (and so a child) whose hash is of another algorithm than this tree's: a parent
    /// cannot witness a chain it would have to recompute with an algorithm it was not configured for.
    /// The empty chain's head (<see cref="AuditLog.Genesis"/>) belongs to either.
    /// </summary>
    /// <exception cref="AuditProofException">The head's hash is of another algorithm.</exception>
    public static void RequireAlgorithm(AuditHead head, DigestAlgorithm algorithm)
    {
        if (head.Seq > 0 && DigestAlgorithms.Of(head.Hash) != algorithm)
        {
            throw new AuditProofException(
                $"the child's audit chain is hashed with {DigestAlgorithms.Of(head.Hash).Title()}, but this tree uses {algorithm.Title()} (Security:Crypto): " +
                "every node of a tree has the same Security:Crypto");
        }
    }

    /// <summary>The first 16 characters of a hash and an ellipsis: enough to tell two apart in a message.</summary>
    public static string Short(string hash) => hash.Length <= 16 ? hash : hash[..16] + "…";
}
