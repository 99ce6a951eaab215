using Federation.Node.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// The parent's pull loop, one per child, started and stopped with the host: check the child's
/// latest sealed period, transfer it if new (at most <see cref="ExchangeOptions.MaxConcurrentPulls"/>
/// transfers at once), record the outcome on the child link, then wait — the regular interval
/// after a success, an exponentially growing, jittered delay after a failure. A failed child
/// keeps its last good snapshot and shows as stale.
/// </summary>
internal sealed class ChildPullScheduler(PullCoordinator coordinator, NodeIdentity identity, IOptions<ExchangeOptions> options,
    TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || identity.Children.Count == 0)
        {
            return;
        }
        using var transfers = new SemaphoreSlim(settings.MaxConcurrentPulls);
        await Task.WhenAll(identity.Children.Select(child => PullLoopAsync(child, transfers, settings, stoppingToken)));
    }

    private async Task PullLoopAsync(ChildOptions child, SemaphoreSlim transfers, ExchangeOptions settings, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await transfers.WaitAsync(stoppingToken);
                try
                {
                    await coordinator.PullAsync(child, period: null, progress: null, stoppingToken);
                }
                finally
                {
                    transfers.Release();
                }
                failures = 0;
                wait = settings.PullEvery;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (PullFailedException)
            {
                // Logged and recorded on the child's link by the coordinator.
                failures++;
                var backoff = settings.RetryInitial * Math.Pow(2, Math.Min(failures - 1, 16));
                wait = (backoff < settings.RetryMax ? backoff : settings.RetryMax) * (0.75 + Random.Shared.NextDouble() * 0.5);
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
