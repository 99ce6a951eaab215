using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Federation.Store.Security;

namespace Federation.Node.Security;

/// <summary>
/// Writes audit entries by group commit: a call hands in its entry and waits until the
/// transaction holding it is committed, so a call answered is a call recorded, while a busy node
/// pays one commit for many calls. The writer has a thread of its own: every audited call waits
/// for it, so it must not queue behind those calls' work on the thread pool. The subject of an
/// entry is kept masked, plus an HMAC-SHA256 of the full subject under this node's audit key — an
/// auditor can find every call about one person without the log holding their number in the clear.
/// </summary>
internal sealed partial class AuditTrail : BackgroundService
{
    private const int MaxBatch = 1024;

    private readonly AuditLog _log;
    private readonly byte[] _key;
    private readonly ILogger<AuditTrail> _logger;
    private readonly Channel<(AuditEntry Entry, TaskCompletionSource Written)> _queue =
        Channel.CreateUnbounded<(AuditEntry, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    public AuditTrail(AuditLog log, SecurityPaths paths, ILogger<AuditTrail> logger)
    {
        _log = log;
        _logger = logger;
        _key = LoadOrCreateKey(paths.AuditKeyPath);
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

    /// <summary>The keyed hash under which a subject (citizen ID, certificate number, account id) is filed.</summary>
    public string SubjectKey(string subject) =>
        subject.Length == 0 ? "" : Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(subject.ToUpperInvariant()))).ToLowerInvariant();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(WriteUntilCompleted, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain what is queued, then stop; a call still finishing writes its own entry (above).
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private void WriteUntilCompleted()
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource Written)>(MaxBatch);
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

    private void Write(List<(AuditEntry Entry, TaskCompletionSource Written)> batch)
    {
        try
        {
            _log.Append([.. batch.Select(b => b.Entry)]);
            foreach (var item in batch)
            {
                item.Written.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the calls waiting for these entries fail (INTERNAL) — nothing
            // is answered unrecorded — and the writer goes on with the next batch.
            LogFailed(_logger, ex);
            foreach (var item in batch)
            {
                item.Written.TrySetException(ex);
            }
        }
    }

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            return Convert.FromHexString(text);
        }
        var key = RandomNumberGenerator.GetBytes(32);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Federation.Shared.Pki.WriteOwnerOnly(path, Convert.ToHexString(key) + "\n");
        return key;
    }

    [LoggerMessage(EventId = 2602, Level = LogLevel.Critical, Message = "The audit log cannot be written; audited calls fail until it can")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
