using System.Threading.Channels;
using Federation.Store.Security;
using Microsoft.Extensions.Options;

namespace Federation.Node.Security;

/// <summary>
/// Writes audit entries (R-20) by group commit: a call hands in its entry and waits until the
/// transaction holding it is committed, so a call answered is a call recorded, while a busy node
/// pays one commit for many calls. The writer has a thread of its own: every audited call waits
/// for it, so it must not queue behind those calls' work on the thread pool. The subject of an
/// entry is kept masked, plus an HMAC-SHA256 of the full subject under this node's audit key — an
/// auditor can find every call about one person without the log holding their number in the clear.
/// Repeated refusals are coalesced (<see cref="AppendRefusalAsync"/>) so that a flood of refused
/// calls cannot fill the disk: the first of a kind in a window is written as it happens, the rest
/// counted and written as one entry, still in the chain, when the window ends.
/// </summary>
internal sealed partial class AuditTrail : BackgroundService
{
    private const int MaxBatch = 1024;

    // Kinds of refusal counted at once; past this, further kinds share one count per method and
    // outcome (a flood claiming a new name with every call must not grow memory either).
    internal const int MaxRefusalKinds = 10_000;
    internal const string ManyCallers = "(many callers)";

    private readonly AuditLog _log;
    private readonly byte[] _key;
    private readonly ILogger<AuditTrail> _logger;
    private readonly Channel<(AuditEntry Entry, TaskCompletionSource? Written)> _queue =
        Channel.CreateUnbounded<(AuditEntry, TaskCompletionSource?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly Lock _repeatsGate = new();
    private readonly Dictionary<RefusalKind, Repeats> _repeats = [];
    private readonly ITimer? _flush;

    public AuditTrail(AuditLog log, SecurityPaths paths, IOptions<SecurityOptions> options, TimeProvider time, ILogger<AuditTrail> logger)
    {
        _log = log;
        _logger = logger;
        _time = time;
        _key = LoadOrCreateKey(paths.AuditKeyPath);
        _window = options.Value.AuditRefusalWindow;
        if (_window > TimeSpan.Zero)
        {
            _flush = time.CreateTimer(static state => ((AuditTrail)state!).FlushRepeats(all: false), this, _window, _window);
        }
    }

    private readonly record struct RefusalKind(string Principal, string OnBehalfOf, string Method, string Outcome, string SubjectKey);

    private sealed class Repeats(DateTimeOffset since, AuditEntry first)
    {
        public DateTimeOffset Since { get; } = since;
        public AuditEntry First { get; } = first;
        public int Count { get; set; }
    }

    /// <summary>Appends an entry; completes once it is committed, or throws if it could not be.</summary>
    public Task AppendAsync(AuditEntry entry)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((entry, written)))
        {
            // The writer has stopped (the node is stopping and its server too): write it here
            // rather than lose it.
            _log.Append([entry]);
            return Task.CompletedTask;
        }
        return written.Task;
    }

    /// <summary>
    /// Appends a refused call's entry, coalescing repeats: a refusal of the same kind as one
    /// written in the current window (<see cref="SecurityOptions.AuditRefusalWindow"/>) — same
    /// principal, on-behalf-of, method and outcome, and for a known account the same subject — is
    /// counted instead, and the count written as one entry (subject <c>×N more …</c>) when the
    /// window ends or the node stops. The first of each kind is written before the answer leaves,
    /// as every other entry.
    /// </summary>
    public Task AppendRefusalAsync(AuditEntry entry)
    {
        if (_window <= TimeSpan.Zero)
        {
            return AppendAsync(entry);
        }
        var kind = new RefusalKind(entry.Principal, entry.OnBehalfOf, entry.Method, entry.Outcome,
            entry.Principal.StartsWith("account:", StringComparison.Ordinal) ? entry.SubjectKey : "");
        AuditEntry? ended = null;
        lock (_repeatsGate)
        {
            if (!_repeats.ContainsKey(kind) && _repeats.Count >= MaxRefusalKinds)
            {
                kind = new RefusalKind(ManyCallers, "", entry.Method, entry.Outcome, "");
            }
            if (_repeats.TryGetValue(kind, out var repeats))
            {
                if (entry.At - repeats.Since < _window)
                {
                    repeats.Count++;
                    return Task.CompletedTask;
                }
                ended = Summary(kind, repeats, entry.At);
                _repeats.Remove(kind);
            }
            _repeats[kind] = new Repeats(entry.At, entry);
            if (ended is not null)
            {
                // In order: the window that ended, then this call's own entry.
                Enqueue(ended);
            }
        }
        return AppendAsync(entry);
    }

    /// <summary>The refusals counted and not yet written, for tests.</summary>
    internal int PendingRefusals
    {
        get
        {
            lock (_repeatsGate)
            {
                return _repeats.Values.Sum(r => r.Count);
            }
        }
    }

    /// <summary>Writes the counts of windows that have ended (<paramref name="all"/>: every count, at stop).</summary>
    internal void FlushRepeats(bool all)
    {
        var now = _time.GetUtcNow();
        lock (_repeatsGate)
        {
            foreach (var (kind, repeats) in _repeats.Where(r => all || now - r.Value.Since >= _window).ToList())
            {
                if (Summary(kind, repeats, now) is { } summary)
                {
                    Enqueue(summary);
                }
                _repeats.Remove(kind);
            }
        }
    }

    private static AuditEntry? Summary(RefusalKind kind, Repeats repeats, DateTimeOffset end) => repeats.Count == 0 ? null
        : new AuditEntry(end, kind.Principal, kind.OnBehalfOf, kind.Method,
            $"×{repeats.Count} more like this from {repeats.Since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} to {end.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} (coalesced){(kind.SubjectKey.Length > 0 ? ": " + repeats.First.Subject : "")}",
            kind.SubjectKey, kind.Outcome, repeats.First.Node);

    // A count is written without anyone waiting for it; a failure is logged by the writer.
    private void Enqueue(AuditEntry entry)
    {
        if (!_queue.Writer.TryWrite((entry, null)))
        {
            _log.Append([entry]);
        }
    }

    /// <summary>The keyed hash under which a subject (citizen ID, certificate number, account id) is filed.</summary>
    public string SubjectKey(string subject) =>
        subject.Length == 0 ? "" : Convert.ToHexStringLower(KeyedHash.Of(_key, subject));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(WriteUntilCompleted, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain what is queued (the counts of refusals too), then stop; a call still finishing
        // writes its own entry (above).
        _flush?.Dispose();
        FlushRepeats(all: true);
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private void WriteUntilCompleted()
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource? Written)>(MaxBatch);
        var reader = _queue.Reader;
        // Blocking is what this thread is for.
        while (reader.TryPeek(out _) || reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            Write(batch);
            batch.Clear();
        }
    }

    private void Write(List<(AuditEntry Entry, TaskCompletionSource? Written)> batch)
    {
        try
        {
            _log.Append([.. batch.Select(b => b.Entry)]);
            foreach (var item in batch)
            {
                item.Written?.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the calls waiting for these entries fail (INTERNAL) — nothing
            // is answered unrecorded — and the writer goes on with the next batch.
            LogFailed(_logger, ex);
            foreach (var item in batch)
            {
                item.Written?.TrySetException(ex);
            }
        }
    }

    public override void Dispose()
    {
        _flush?.Dispose();
        base.Dispose();
    }

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            return Convert.FromHexString(text);
        }
        var key = KeyedHash.NewKey();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Federation.Shared.Pki.WriteOwnerOnly(path, Convert.ToHexString(key) + "\n");
        return key;
    }

    [LoggerMessage(EventId = 2602, Level = LogLevel.Critical, Message = "The audit log cannot be written; audited calls fail until it can")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
