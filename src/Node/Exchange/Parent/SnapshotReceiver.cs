using System.Globalization;
using Federation.Protocol.V1;
using Federation.Store;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// The transport stage of a pull, at the parent: asks the child for its manifest — the one place
/// the parent takes it from — and checks it as a stranger's word (who answers, the period, the
/// digest's algorithm, the signatures); then streams the snapshot from where the transfer stopped
/// (the sink's cursor), checks every batch as it arrives (<see cref="ReceiptCheck"/>) and hands it
/// to the <see cref="SinkTransfer"/>. The stream carries no second manifest (<c>without_manifest</c>);
/// a child too old to know that sends it anyway, and it must then be the same, as must the digest
/// in the stream's end.
/// </summary>
internal sealed class SnapshotReceiver(ChildClients clients, Signing.SignedPeriodCheck signatures, TimeProvider time, ILogger<SnapshotReceiver> logger)
{
    internal static readonly TimeSpan ManifestDeadline = TimeSpan.FromSeconds(30);

    // Records per chunk asked of the child.
    private const int RecordsPerChunk = 5000;

    /// <summary>The child's manifest of <paramref name="period"/> (null: its latest), checked; throws <see cref="RpcException"/> with why when it is refused.</summary>
    public async Task<Manifest> ManifestAsync(ChildOptions child, Period? period, DigestAlgorithm algorithm, CancellationToken cancellationToken)
    {
        var client = clients.Exchange(child);
        var remote = await ChildClients.ReconnectRetry.ExecuteAsync(async token => await client.GetManifestAsync(
            new GetManifestRequest { Period = period?.ToString() ?? "" }, deadline: time.GetUtcNow().UtcDateTime + ManifestDeadline, cancellationToken: token),
            cancellationToken);
        if (remote.NodeId != child.Id || remote.DivisionCode != child.DivisionCode)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"the node at {child.Address} is '{remote.NodeId}' ({remote.DivisionCode}), not the configured child '{child.Id}' ({child.DivisionCode})"));
        }
        // The period is the child's word like the rest: one of the standard's form, the one asked
        // for, not in the future (a period dated ahead would sort after every real one and be
        // taken for the child's latest), with a sealing time — before anything is taken or parsed further.
        if (PeriodProblem(child.Id, remote, period, time.GetUtcNow()) is { } wrong)
        {
            ExchangeFaultLog.ManifestRefused(logger, child.Id, wrong);
            throw new RpcException(new Status(StatusCode.FailedPrecondition, wrong));
        }
        // Then a digest this node computes the same way (its own algorithm, Security:Crypto), then
        // what the child signed, and what it passes up from below.
        if (PeriodDigests.RefusalOf(child.Id, remote.Digest, algorithm) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, refusal));
        }
        signatures.CheckAndRecord(child, remote);
        return new Manifest(Period.Parse(remote.Period),
            new Dictionary<string, long>(remote.Counts, StringComparer.Ordinal), remote.Digest, DateTimeOffset.Parse(remote.SealedAt, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Streams the snapshot of <paramref name="manifest"/> into <paramref name="sink"/> from its
    /// cursor, checking each batch before the sink takes it; returns the records and bytes that
    /// arrived. Throws when a record is refused (<see cref="RecordRefusedException"/>), when the
    /// child's snapshot changed, or when the stream ended without its end marker.
    /// </summary>
    public async Task<(long Records, long Bytes)> ReceiveAsync(ChildOptions child, Manifest manifest, SinkTransfer sink,
        Action<long, long>? arrived, CancellationToken cancellationToken)
    {
        var request = new StreamSnapshotRequest
        {
            Period = manifest.Period.ToString(), Packed = true, MaxRecordsPerChunk = RecordsPerChunk,
            // The manifest came from GetManifest and was checked there.
            WithoutManifest = true,
        };
        if (sink.ResumeFrom is { } cursor)
        {
            request.ResumeFrom = cursor;
        }
        var check = new ReceiptCheck(child, manifest.Period);
        long records = 0, bytes = 0;
        var ended = false;
        using var call = clients.Exchange(child).StreamSnapshot(request, cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            var chunk = call.ResponseStream.Current;
            bytes += chunk.CalculateSize();
            switch (chunk.PartCase)
            {
                // Sent only by a child that does not know without_manifest: it must be the one checked.
                case SnapshotChunk.PartOneofCase.Manifest when chunk.Manifest.Digest != manifest.Digest:
                case SnapshotChunk.PartOneofCase.End when chunk.End.Digest != manifest.Digest:
                    throw new RpcException(new Status(StatusCode.Aborted, $"{child.Id}'s snapshot changed during the pull; it will be pulled again"));
                case SnapshotChunk.PartOneofCase.Records:
                    var dataset = Dataset.Find(chunk.Records.Dataset)
                        ?? throw new RpcException(new Status(StatusCode.Internal, $"{child.Id} sent records of unknown dataset '{chunk.Records.Dataset}'"));
                    var pieces = check.CheckBatch(dataset, chunk.Records);
                    var count = chunk.Records.Records.Count + chunk.Records.PackedRecords;
                    sink.Add(dataset, pieces, count);
                    records += count;
                    arrived?.Invoke(records, bytes);
                    break;
                case SnapshotChunk.PartOneofCase.End:
                    ended = true;
                    break;
            }
        }
        if (!ended)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"{child.Id}'s snapshot stream ended without its end marker; the transfer resumes next time"));
        }
        return (records, bytes);
    }

    /// <summary>Why the period of a child's manifest is refused (issue 25 item 4: a child that answers with a wrong period), or null.</summary>
    internal static string? PeriodProblem(string childId, SnapshotManifest remote, Period? asked, DateTimeOffset now)
    {
        if (!Period.TryParse(remote.Period, out var period))
        {
            // Not echoed: the child's text could be anything; its length says enough to find it.
            return $"{childId} answered with a period that is not a date of the form YYYY-MM-DD ({remote.Period.Length} characters); nothing was taken";
        }
        if (asked is { } wanted && period != wanted)
        {
            return $"{childId} was asked for period {wanted} and answered with period {period}; nothing was taken";
        }
        if (SealRules.FutureProblem(period, now) is { } future)
        {
            return $"{childId} serves period {period}, which is in the future for this node ({future}); nothing was taken — check the child's clock";
        }
        if (!DateTimeOffset.TryParse(remote.SealedAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return $"{childId}'s manifest of period {period} has no valid sealing time (sealed_at); nothing was taken";
        }
        return null;
    }
}
