namespace Federation.Store;

/// <summary>A parent's side of exchange, as a sink: resumable transfers of its children's snapshots, committed only when verified.</summary>
public interface IChildTransfers
{
    TransferState BeginTransfer(string childId, Period period, string digest, DateTimeOffset now);

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
