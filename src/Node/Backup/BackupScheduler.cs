namespace Federation.Node.Backup;

/// <summary>
/// Runs <see cref="MonthlyBackups"/> on its schedule: at start-up it catches up on this month's
/// backup if its time has passed, then sleeps until the next one is due (on the node's
/// <see cref="TimeProvider"/>, so tests can move time). A failed backup is retried an hour later.
/// </summary>
internal sealed class BackupScheduler(MonthlyBackups backups, TimeProvider time, ILogger<BackupScheduler> logger) : BackgroundService
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var (month, due) = backups.Next(now);
            // The wait is set on the node's clock before it is logged, so whoever reads the log
            // (an operator, or a test advancing a fake clock) sees a wait that is already running.
            var wait = due > now ? Task.Delay(due - now, time, stoppingToken) : Task.CompletedTask;
            BackupLog.Scheduled(logger, due);
            await wait;
            try
            {
                backups.Write(month);
            }
            catch (BackupException ex)
            {
                var retry = Task.Delay(RetryAfter, time, stoppingToken);
                BackupLog.Failed(logger, backups.NameOf(month), ex.Message, RetryAfter.TotalMinutes);
                await retry;
            }
        }
    }
}
