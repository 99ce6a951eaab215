using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// The parent's pull loop, one per child, started and stopped with the host: check the child's
/// latest sealed period, transfer it if new (at most <see cref="ExchangeOptions.MaxConcurrentPulls"/>
/// transfers at once), record the outcome on the child link, then wait — the regular interval
/// after a success, an exponentially growing, jittered delay after a failure (a Polly retry
/// pipeline, on the node's <see cref="TimeProvider"/>). A failed child keeps its last good
/// snapshot and shows as stale.
/// </summary>
internal sealed class ChildPullScheduler(IPullCoordinator coordinator, NodeIdentity identity, IOptions<ExchangeOptions> options,
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
        var retry = CreateRetryPipeline(settings, time);
        await Task.WhenAll(identity.Children.Select(child => PullLoopAsync(child, transfers, retry, settings, stoppingToken)));
    }

    // Retries until the child answers; each failure is already logged and recorded on the child's
    // link by the coordinator, so the pipeline only decides when to try again.
    internal static ResiliencePipeline CreateRetryPipeline(ExchangeOptions settings, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                Delay = settings.RetryInitial,
                MaxDelay = settings.RetryMax,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<PullFailedException>(),
            })
            .Build();

    private async Task PullLoopAsync(ChildOptions child, SemaphoreSlim transfers, ResiliencePipeline retry, ExchangeOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await retry.ExecuteAsync(async token =>
                {
                    await transfers.WaitAsync(token);
                    try
                    {
                        await coordinator.PullAsync(child, period: null, progress: null, token);
                    }
                    finally
                    {
                        transfers.Release();
                    }
                }, stoppingToken);
                await Task.Delay(settings.PullEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }
}
