namespace Federation.Store;

// The store by role: each part of the node depends on the one small interface it needs, never on
// the database behind it. Each role is its own class over one database handle — SqliteStaging,
// SqliteSealedPeriods, … over FederationStore (SQLite); PostgresStaging, … over PostgresStore —
// and INodeStore hands them out (docs/architecture.md, "The store by role").

/// <summary>
/// One node's store, whichever database: it owns the database (opening, connections, the single
/// writer, backups) and hands out one object per role. The composition root registers each role
/// separately; tests run the same suite over both databases through this interface.
/// </summary>
public interface INodeStore : IStoreMaintenance, IDisposable
{
    /// <summary>The id recorded as the origin of this node's own sealed records.</summary>
    string OwnerId { get; }

    IStaging Staging { get; }

    ISealedPeriods Periods { get; }

    IChildTransfers Transfers { get; }

    IHolderLookups Holders { get; }

    IFindings Findings { get; }

    IChildLinks Links { get; }

    IIndicatorQueries IndicatorQueries { get; }

    ISignedPeriods Signatures { get; }
}

/// <summary>The city's staged data: what the interface program imports before a period is sealed.</summary>
public interface IStaging
{
    /// <summary>Begins the import transaction: upserts by natural key, committed whole or not at all.</summary>
    IStagingTransaction BeginStaging();

    /// <summary>The staged records of one dataset, ordered by natural key.</summary>
    IEnumerable<string[]> ReadStaged(Dataset dataset);
}

/// <summary>
/// One import's writes to the staged data, invisible to others until <see cref="Commit"/>; disposing
/// without committing rolls back. The look-ups see the transaction's own writes (a person imported
/// earlier in the same run is there for their registrations).
/// </summary>
public interface IStagingTransaction : IDisposable
{
    /// <summary>Records written (inserted or changed) so far.</summary>
    long Changed { get; }

    /// <summary>Records that were already staged exactly as given.</summary>
    long Unchanged { get; }

    /// <summary>Inserts or updates one record (values in <see cref="Dataset.Columns"/> order; valid as "1"/"0"); true when it changed anything.</summary>
    bool Upsert(Dataset dataset, IReadOnlyList<string> values);

    /// <summary>The staged record with this natural key, or null.</summary>
    string[]? Find(Dataset dataset, string key);

    /// <summary>Whether the staged person is valid (true), marked invalid (false), or not staged at all (null).</summary>
    bool? PersonValidity(string citizenId);

    /// <summary>The number of another valid, not cancelled certificate held by this person, or null.</summary>
    string? OtherValidCertificate(string citizenId, string certificateNumber);

    /// <summary>A valid employment registration of this person open on <paramref name="date"/>, or null.</summary>
    string? EmploymentOpenOn(string citizenId, string date);

    /// <summary>Makes the import's writes durable and visible.</summary>
    void Commit();
}

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

/// <summary>
/// Signed period manifests (docs/security.md, "Signed periods"): this node's own, written at seal,
/// and at a parent those its children delivered — theirs and the ones they passed up from below.
/// One per node and period, never changed or deleted: a node cannot replace a period it signed.
/// </summary>
public interface ISignedPeriods
{
    /// <summary>The signed manifest of <paramref name="nodeId"/>'s period, or null (never signed, or sealed before signing existed).</summary>
    SignedPeriod? Find(string nodeId, Period period);

    /// <summary>Every signed manifest held, by node then period.</summary>
    IReadOnlyList<SignedPeriod> List();

    /// <summary>
    /// Records received signed manifests in one transaction. One already held with the same
    /// statement is kept as it is; one whose statement differs from what is held for the same node
    /// and period refuses the whole call (<see cref="StoreException"/>) and records nothing.
    /// </summary>
    void Record(IReadOnlyList<SignedPeriod> periods, DateTimeOffset now);
}

/// <summary>A parent's side of exchange, as a sink: resumable transfers of its children's snapshots, committed only when verified.</summary>
public interface IChildTransfers
{
    TransferState? GetTransfer(string childId, Period period);

    TransferState BeginTransfer(string childId, Period period, string digest, DateTimeOffset now);

    void AppendTransfer(string childId, Period period, Dataset dataset, IReadOnlyList<OriginRecord> records, DateTimeOffset now);

    void AppendTransferPacked(string childId, Period period, Dataset dataset, IReadOnlyList<ReadOnlyMemory<byte>> batches, DateTimeOffset now);

    /// <summary>
    /// The algorithm this store digests periods with (<see cref="PeriodDigests"/>): what it receives
    /// is recomputed with it, so a child's digest must be of the same.
    /// </summary>
    DigestAlgorithm DigestAlgorithm { get; }

    /// <summary>A digest (of <see cref="DigestAlgorithm"/>) primed with the rows of the transfer stored so far.</summary>
    TransferDigest OpenTransferDigest(string childId, Period period);

    /// <summary>
    /// Deletes a transfer in progress and every row it received, so that nothing of it is resumed
    /// into a commit (a received record was refused); the child's committed snapshots stay.
    /// </summary>
    void AbandonTransfer(string childId, Period period);

    /// <summary>Verifies the received snapshot against the child's manifest and commits it, atomically.</summary>
    Manifest CommitTransfer(string childId, Manifest expected, DateTimeOffset now, TransferDigest? received = null);

    /// <summary>The child's committed snapshots, oldest first.</summary>
    IReadOnlyList<Manifest> ListChildManifests(string childId);

    /// <summary>
    /// The newest enterprise monitoring survey month with a valid report in the child's latest
    /// committed snapshot; "" when it holds a sample but no report yet; null when it holds no sample.
    /// </summary>
    string? LatestSurveyMonth(string childId);
}

/// <summary>Point look-ups of a holder's records for verification: in the staged data and in the children's committed snapshots.</summary>
public interface IHolderLookups
{
    HolderRecords? FindStagedHolder(string citizenId);

    string? FindStagedCertificateHolder(string certificateNumber);

    HolderRecords? FindCachedHolder(string childId, string citizenId);

    string? FindCachedCertificateHolder(string childId, string certificateNumber);

    /// <summary>The children whose latest committed snapshot holds records of the person.</summary>
    IReadOnlyList<string> ChildrenHolding(string citizenId);
}

/// <summary>The comparison findings (比对) of a parent's merged periods.</summary>
public interface IFindings
{
    IReadOnlyList<Finding> ListFindings(Period period, string? kind, (string Kind, string Subject)? after, int limit);

    IReadOnlyDictionary<string, long> CountFindings(Period period);
}

/// <summary>What a parent knows of each child link: the last successful pull and the last error.</summary>
public interface IChildLinks
{
    void RecordPullSuccess(string childId, Period period, string digest, long records, long bytes, DateTimeOffset now);

    void RecordPullFailure(string childId, string error, DateTimeOffset now);

    IReadOnlyList<ChildLink> ListChildLinks();
}

/// <summary>The store as an operator sees it: where it is, what opening it did, a consistent copy.</summary>
public interface IStoreMaintenance
{
    string Path { get; }

    /// <summary>The schema migrations this open applied.</summary>
    IReadOnlyList<string> MigrationsApplied { get; }

    /// <summary>Writes a consistent copy of the store to a new file while it serves.</summary>
    void BackupTo(string destination);
}
