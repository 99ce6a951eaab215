namespace Federation.Store;

/// <summary>This node's sealed periods: sealing, manifests, and reading a period back (the child side of exchange).</summary>
public interface ISealedPeriods
{
    /// <summary>Seals the staged data as the period as of <paramref name="period"/>.</summary>
    Manifest Seal(Period period, DateTimeOffset now);

    /// <summary>
    /// Seals a parent's period: its staged data merged with the given committed child snapshots, with
    /// the findings — the comparison, and enterprise monitoring's sample checks, for which each
    /// city's population, looked up in <paramref name="populations"/>, sets its minimum sample.
    /// </summary>
    /// <remarks>With a <paramref name="signer"/>, the period's signed manifest is written in the same transaction.</remarks>
    Manifest Seal(Period period, DateTimeOffset now, IReadOnlyList<MergedSource> children, ICityPopulations? populations = null, IPeriodSigner? signer = null);

    Manifest? GetManifest(Period period);

    /// <summary>Every sealed period's manifest, oldest first.</summary>
    IReadOnlyList<Manifest> ListManifests();

    /// <summary>Recomputes a sealed period's digest from its records.</summary>
    string RecomputeDigest(Period period);

    IEnumerable<OriginRecord> ReadSealed(Period period, Dataset dataset);

    /// <summary>A sealed period's records of one dataset after a cursor (origin, natural key), in canonical order.</summary>
    IEnumerable<OriginRecord> ReadSealedAfter(Period period, Dataset dataset, string afterOrigin, string afterKey);

    /// <summary>As <see cref="ReadSealedAfter"/>, already in the exchange's packed form, in bounded batches.</summary>
    IEnumerable<PackedBatch> ReadSealedPacked(Period period, Dataset dataset, string afterOrigin, string afterKey, int maxRecords, int maxBytes);
}
