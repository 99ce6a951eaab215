using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Federation.Store.Security;

namespace Federation.Node.Security;

/// <summary>
/// Writes audit entries in batches: calls hand in their entry and wait until the batch
/// holding it is committed, so a call answered is a call recorded, while a busy node pays one
/// commit for many calls. The subject of an entry is kept masked, plus an HMAC-SHA256 of the full
/// subject under this node's audit key — an auditor can find every call about one person without
/// the log holding their number in the clear.
/// </summary>
internal sealed partial class AuditTrail : BackgroundService
{
    private const int MaxBatch = 512;

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

    /// <summary>Appends an entry and completes once it is committed (throws if it could not be).</summary>
    public Task AppendAsync(AuditEntry entry)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((entry, written)))
        {
            // Stopping: write it directly rather than lose it.
            _log.Append([entry]);
            return Task.CompletedTask;
        }
        return written.Task;
    }

    /// <summary>The keyed hash under which a subject (citizen ID, certificate number, account id) is filed.</summary>
    public string SubjectKey(string subject) =>
        subject.Length == 0 ? "" : Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(subject.ToUpperInvariant()))).ToLowerInvariant();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource Written)>(MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }
                Write(batch);
                batch.Clear();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(_logger, ex);
            throw;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Calls still running may append: complete the queue only after the server has stopped
        // (hosted services stop after the server), then drain it.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
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
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
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
