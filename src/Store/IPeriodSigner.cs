namespace Federation.Store;

/// <summary>Signs a period as it is sealed: called inside the seal's transaction, so a period is sealed signed or not at all.</summary>
public interface IPeriodSigner
{
    /// <summary>The signed manifest of <paramref name="sealedNow"/>, chained to <paramref name="previous"/> (this node's latest sealed period before it, or null).</summary>
    SignedPeriod Sign(Manifest sealedNow, Manifest? previous);
}
