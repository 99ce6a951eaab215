using Federation.Store;

namespace Federation.Node.Sealing;

/// <summary>
/// Seals this node's periods: at an operator's (or an import's) request for a date, and by
/// itself at a parent once every child has delivered a period. What else goes into a seal joins
/// through <see cref="ISealParticipant"/>; the sealer knows nothing of who takes part.
/// </summary>
internal interface IPeriodSealer
{
    /// <summary>Seals the period as of <paramref name="asOf"/>: this node's staged data and, at a parent, each child's latest snapshot at or before it.</summary>
    Manifest Seal(Period asOf);

    /// <summary>Seals, in order, every period newer than the latest sealed one that all children have delivered; none at a node without children.</summary>
    IReadOnlyList<Manifest> SealCompletePeriods();
}

/// <summary>
/// A part of the node that puts something into a period when it is sealed on request (the
/// registration service stages its registrations as of the period's date). It is given the seal to
/// run and runs it — inside its own lock, after staging what it adds — so that nothing of its own
/// changes between its staging and the seal. Registered in DI; the sealer runs every one.
/// </summary>
internal interface ISealParticipant
{
    /// <summary>Stages what this participant adds to <paramref name="period"/>, then runs <paramref name="seal"/> and returns its manifest.</summary>
    Manifest SealAround(Period period, Func<Manifest> seal);
}
