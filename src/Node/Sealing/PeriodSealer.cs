using Federation.Store;

namespace Federation.Node.Sealing;

/// <summary>
/// Seals this node's periods. A node without children seals its own staged data. A parent seals
/// the union of its own staged data and its children's committed snapshots of the period (their
/// records keep their origins), with the comparison findings (比对):
/// <list type="bullet">
/// <item>by itself, once every configured child's snapshot of a period has arrived
/// (<see cref="SealCompletePeriods"/>, run after each committed pull), periods in order;</item>
/// <item>at an operator's request for a date (<see cref="Seal"/>): each child's snapshot of that
/// date, or its latest one before it when the child is late — the manifest names every source, so
/// a late child is visible; every <see cref="ISealParticipant"/> (the registration service at a
/// city) puts in what it adds, around the seal.</item>
/// </list>
/// </summary>
internal sealed class PeriodSealer(ISealedPeriods store, IChildTransfers childSnapshots, IFindings findingsStore, NodeIdentity identity, TimeProvider time, ILogger<PeriodSealer> logger,
    ICityPopulations populations, IEnumerable<ISealParticipant> participants,
    Exchange.Signing.NodePeriodSigner signer) : IPeriodSealer
{
    private readonly IReadOnlyList<ISealParticipant> _participants = [.. participants];
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<ChildOptions> _children = identity.Children;

    public Manifest Seal(Period asOf)
    {
        lock (_lock)
        {
            var sources = new List<MergedSource>();
            foreach (var child in _children)
            {
                var latest = childSnapshots.ListChildManifests(child.Id).LastOrDefault(m => m.Period <= asOf);
                if (latest is null)
                {
                    SealingLog.SealWithoutChild(logger, asOf, child.Id);
                    continue;
                }
                sources.Add(new MergedSource(child.Id, latest.Period, latest.Digest));
            }
            // What the participants add (a city's registrations as they stood on the period's date)
            // goes in around the seal, the first registered outermost.
            Func<Manifest> seal = () => Log(store.Seal(asOf, time.GetUtcNow(), sources, populations, Signer(asOf)));
            foreach (var participant in _participants.Reverse())
            {
                var inner = seal;
                seal = () => participant.SealAround(asOf, inner);
            }
            return seal();
        }
    }

    /// <summary>Seals, in order, every period newer than the latest sealed one that all children have delivered.</summary>
    public IReadOnlyList<Manifest> SealCompletePeriods()
    {
        if (_children.Count == 0)
        {
            return [];
        }
        lock (_lock)
        {
            var manifests = store.ListManifests();
            var latest = manifests.Count > 0 ? manifests[^1].Period : new Period(DateOnly.MinValue);
            var received = _children.Select(c => childSnapshots.ListChildManifests(c.Id).Where(m => m.Period > latest).ToDictionary(m => m.Period)).ToList();
            var sealedNow = new List<Manifest>();
            foreach (var period in received[0].Keys.Where(p => received.All(r => r.ContainsKey(p))).Order())
            {
                var sources = _children.Select((c, i) => new MergedSource(c.Id, received[i][period].Period, received[i][period].Digest)).ToList();
                sealedNow.Add(Log(store.Seal(period, time.GetUtcNow(), sources, populations, Signer(period))));
            }
            return sealedNow;
        }
    }

    // Every period is signed with the node's key as it is sealed (docs/security.md, "Signed
    // periods"); a node without a certificate (loopback only) seals unsigned and says so.
    private Exchange.Signing.NodePeriodSigner? Signer(Period period)
    {
        if (signer.Available)
        {
            return signer;
        }
        Exchange.Signing.SigningLog.SealedUnsigned(logger, period);
        return null;
    }

    private Manifest Log(Manifest manifest)
    {
        var findings = manifest.Sources.Count == 0 ? 0 : findingsStore.CountFindings(manifest.Period).Values.Sum();
        SealingLog.PeriodSealed(logger, manifest.Period, manifest.TotalRecords, manifest.Sources.Count, findings, manifest.Digest);
        return manifest;
    }
}
