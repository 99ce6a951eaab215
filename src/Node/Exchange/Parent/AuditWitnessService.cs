using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Federation.Node.Host;
using Federation.Protocol.V1;
using Federation.Store.Security;

namespace Federation.Node.Exchange.Parent;

/// <summary>What a parent knows of its witness stream to one child, for status and metrics.</summary>
internal sealed class WitnessLinkState
{
    public volatile bool Connected;

    // Counts connections, so that the retry loop sees whether the stream connected since its last failure.
    public int Connections;
    public string LastError = "";
    public DateTimeOffset? LastErrorAt;

    // Cancelled to reopen the stream from a new baseline once a break is acknowledged.
    public CancellationTokenSource? Current;
}

/// <summary>
/// The parent's live witness of each child's audit chain (R-20, docs/security.md "The parent's
/// witness"): one stream per child (<c>Exchange/WatchAuditHead</c>), opened from the last head
/// witnessed good and kept open (reopened after a back-off, <see cref="ChildStreams"/>). The child
/// sends its head whenever it changes — it re-reads it every second — with the entries after the
/// parent's position; the parent recomputes their hashes from its own witnessed hash
/// (<see cref="AuditChainProof"/>) and moves its witnessed head on only over entries it checked.
/// A cut or rewrite is recorded as a break (<see cref="AuditWitnesses"/>) that stays, across pulls
/// and restarts, until an auditor acknowledges it; meanwhile the witnessed head stays where it was.
/// </summary>
internal sealed partial class AuditWitnessService : BackgroundService
{
    // Entries per update asked of the child: a gap of a million entries comes in ~4,000 updates of ~100 KB.
    internal const int EntriesPerUpdate = 256;

    private readonly NodeIdentity identity;
    private readonly ChildClients clients;
    private readonly AuditWitnesses book;
    private readonly Federation.Store.DigestAlgorithm algorithm;
    private readonly TimeProvider time;
    private readonly ILogger<AuditWitnessService> logger;
    private readonly Counter<long> breaksFound;

    public AuditWitnessService(NodeIdentity identity, ChildClients clients, AuditWitnesses book, AuditLog ownLog, TimeProvider time, ILogger<AuditWitnessService> logger, IMeterFactory meters)
    {
        // The tree's algorithm is this node's own log's (Security:Crypto, checked when the log opened).
        algorithm = ownLog.Algorithm;
        this.identity = identity;
        this.clients = clients;
        this.book = book;
        this.time = time;
        this.logger = logger;
        var meter = meters.Create(NodeMetrics.MeterName);
        breaksFound = meter.CreateCounter<long>("federation.audit.witness.breaks", "{break}", "Breaks found in each child's audit chain (cut or rewritten) by this node's witness.");
        meter.CreateObservableGauge("federation.audit.witness.broken", () => identity.Children.Select(child =>
                new Measurement<int>(book.OpenBreak(child.Id) is null ? 0 : 1, new KeyValuePair<string, object?>("child", child.Id))),
            "1", "1 while the child's audit chain has a break no auditor has acknowledged (fedctl audit acknowledge).");
        meter.CreateObservableGauge("federation.audit.witness.connected", () => identity.Children.Select(child =>
                new Measurement<int>(States.TryGetValue(child.Id, out var state) && state.Connected ? 1 : 0, new KeyValuePair<string, object?>("child", child.Id))),
            "1", "1 while the witness stream to the child is open.");
        meter.CreateObservableGauge("federation.audit.witness.seq", () => identity.Children.Select(child =>
                new Measurement<long>(book.Witnessed(child.Id)?.Seq ?? 0, new KeyValuePair<string, object?>("child", child.Id))),
            "{entry}", "The last entry of the child's audit chain witnessed good.");
    }

    public ConcurrentDictionary<string, WitnessLinkState> States { get; } = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(identity.Children.Select(child =>
        {
            var state = States.GetOrAdd(child.Id, _ => new WitnessLinkState());
            return ChildStreams.KeepAsync(stop => WatchAsync(child, state, stop), () => Volatile.Read(ref state.Connections), (reason, delay) =>
            {
                state.Connected = false;
                state.LastError = reason;
                state.LastErrorAt = time.GetUtcNow();
                WitnessLinkLost(logger, child.Id, reason, delay.TotalSeconds);
            }, time, stoppingToken);
        }));

    /// <summary>Reopens the child's stream, so that it starts from the baseline as it now stands (after an acknowledgement).</summary>
    public void Reopen(string childId)
    {
        if (States.TryGetValue(childId, out var state) && state.Current is { } current)
        {
            try
            {
                current.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream has ended already; the next one reads the baseline anyway.
            }
        }
    }

    private async Task WatchAsync(ChildOptions child, WitnessLinkState state, CancellationToken stop)
    {
        using var reopen = CancellationTokenSource.CreateLinkedTokenSource(stop);
        state.Current = reopen;
        try
        {
            await FollowAsync(child, state, reopen.Token);
        }
        catch (Exception ex) when (reopen.IsCancellationRequested && !stop.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // Reopened on purpose (Reopen): at once, no back-off.
            state.Connected = false;
        }
    }

    private async Task FollowAsync(ChildOptions child, WitnessLinkState state, CancellationToken stop)
    {
        var witnessed = book.Witnessed(child.Id)?.Head;
        var broken = book.OpenBreak(child.Id) is not null;
        using var call = clients.Exchange(child).WatchAuditHead(new WatchAuditHeadRequest
        {
            AfterSeq = witnessed?.Seq ?? 0,
            AfterHash = witnessed?.Hash ?? "",
            MaxEntries = EntriesPerUpdate,
        }, cancellationToken: stop);
        // The child sends its headers when it accepts the call: connected from then on.
        await call.ResponseHeadersAsync;
        state.Connected = true;
        Interlocked.Increment(ref state.Connections);
        WitnessConnected(logger, child.Id, witnessed?.Seq ?? 0);
        await foreach (var update in call.ResponseStream.ReadAllAsync(stop))
        {
            // From another node: checked as from a stranger (AuditChainProof throws on an update that proves nothing).
            if (update.Entries.Count > Child.ExchangeService.MaxAuditEntriesPerUpdate)
            {
                throw new AuditProofException($"the child sent {update.Entries.Count} entries in one update; at most {Child.ExchangeService.MaxAuditEntriesPerUpdate} are allowed");
            }
            var childHead = new AuditHead(update.HeadSeq, update.HeadHash);
            AuditChainProof.RequireAlgorithm(childHead, algorithm);
            var now = time.GetUtcNow();
            if (witnessed is null)
            {
                if (update.Entries.Count > 0 || update.HeadSeq < 0)
                {
                    throw new AuditProofException("the child's first update must be its head alone when nothing was witnessed yet");
                }
                book.Advance(child.Id, childHead, now);
                witnessed = childHead;
                WitnessBaseline(logger, child.Id, childHead.Seq);
                continue;
            }
            if (broken)
            {
                // The break stands until an auditor acknowledges it; the witnessed head does not move.
                continue;
            }
            if (update.AfterSeq != witnessed.Seq && childHead.Seq >= witnessed.Seq)
            {
                throw new AuditProofException($"the child's entries follow entry {update.AfterSeq}, but this node witnessed up to {witnessed.Seq}");
            }
            var check = AuditChainProof.Check(witnessed, [.. update.Entries.Select(Security.AuditService.FromRecord)], childHead, algorithm);
            if (check.Break is { } problem)
            {
                var (found, isNew) = book.RecordBreak(child.Id, problem, witnessed, childHead, now);
                broken = true;
                if (isNew)
                {
                    breaksFound.Add(1, new KeyValuePair<string, object?>("child", child.Id), new KeyValuePair<string, object?>("kind", found.Kind));
                    ExchangeLog.AuditWitnessBroken(logger, child.Id, $"{found.Kind} at entry {found.Seq}: {found.Problem}");
                }
                continue;
            }
            if (check.Head != witnessed)
            {
                book.Advance(child.Id, check.Head, now);
                witnessed = check.Head;
            }
        }
        throw new InvalidOperationException("the child ended the audit witness stream");
    }

    [LoggerMessage(2222, LogLevel.Information, "Witnessing {ChildId}'s audit chain live, from entry {Seq}", EventName = "AuditWitnessConnected")]
    private static partial void WitnessConnected(ILogger logger, string childId, long seq);

    [LoggerMessage(2223, LogLevel.Warning, "{ChildId}'s audit chain is witnessed from entry {Seq} on, taken as it is: nothing was witnessed before, or an auditor acknowledged a break", EventName = "AuditWitnessBaseline")]
    private static partial void WitnessBaseline(ILogger logger, string childId, long seq);

    [LoggerMessage(2224, LogLevel.Warning, "The audit witness stream to {ChildId} was lost: {Reason}; reopening in {Seconds} s", EventName = "AuditWitnessLinkLost")]
    private static partial void WitnessLinkLost(ILogger logger, string childId, string reason, double seconds);
}
