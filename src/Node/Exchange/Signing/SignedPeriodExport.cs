using Federation.Store;

namespace Federation.Node.Exchange.Signing;

/// <summary>The signed period manifests a node holds, as the bundle <c>fedctl periods verify</c> checks.</summary>
internal static class SignedPeriodExport
{
    // Everything signed this node holds, and the periods it holds unsigned (its own and its
    // children's, sealed before signed periods), so the verifier can tell a gap from a legacy link.
    // `Federation.Node periods --export` writes it; the operator console shows it, verified
    // (Web/Operator/ConsoleBoard).
    public static Federation.Shared.SignedPeriodBundle Build(NodeOptions node, IReadOnlyList<Manifest> manifests,
        ISignedPeriods signatures, IChildTransfers transfers)
    {
        var signed = signatures.List();
        var held = signed.Select(s => (s.NodeId, s.Period)).ToHashSet();
        var unsigned = manifests.Where(m => !held.Contains((node.Id, m.Period)))
            .Select(m => new Federation.Shared.BundledUnsignedPeriod(node.Id, m.Period.ToString(), m.Digest)).ToList();
        foreach (var child in node.Children)
        {
            unsigned.AddRange(transfers.ListChildManifests(child.Id).Where(m => !held.Contains((child.Id, m.Period)))
                .Select(m => new Federation.Shared.BundledUnsignedPeriod(child.Id, m.Period.ToString(), m.Digest)));
        }
        return new Federation.Shared.SignedPeriodBundle(Federation.Shared.SignedPeriodBundle.FormatName, node.Id,
            DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            [.. signed.Select(s => new Federation.Shared.BundledSignedPeriod(s.NodeId, s.Period.ToString(),
                Convert.ToBase64String(s.Statement), Convert.ToBase64String(s.Signature), Convert.ToBase64String(s.Certificate)))],
            unsigned);
    }
}
