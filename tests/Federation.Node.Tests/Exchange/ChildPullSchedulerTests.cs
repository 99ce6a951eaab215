using System.Threading.Channels;
using Federation.Node.Exchange.Parent;
using Federation.Node.Configuration;
using Federation.Store;
using Federation.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Exchange;

/// <summary>
/// The parent's pull schedule runs on the node's <see cref="TimeProvider"/> (issue 23 item 2): with a
/// fake clock, the next pull comes exactly when the clock reaches Exchange:PullEvery after a success,
/// and a failed pull is retried after a back-off of at most Exchange:RetryMax — not a moment before,
/// and without the test sleeping.
/// </summary>
public sealed class ChildPullSchedulerTests
{
    private static readonly ChildOptions Child = new() { Id = "city-440100", DivisionCode = "440100", Address = "http://127.0.0.1:9" };

    [Fact]
    public async Task NextPull_IsDecidedOnTheNodesClock_PullEveryAfterASuccess_ABackOffAfterAFailure()
    {
        // Arrange: a success, a failure, then a success again.
        var time = new TimerWatchingTimeProvider(new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero));
        var settings = new ExchangeOptions { PullEvery = TimeSpan.FromHours(1), RetryInitial = TimeSpan.FromSeconds(30), RetryMax = TimeSpan.FromMinutes(30) };
        var pulls = new ScriptedPulls(time, fails: [false, true, false]);
        var identity = new NodeIdentity(new NodeOptions { Id = "province-440000", Level = "province", DivisionCode = "440000", Children = [Child] }, time);
        using var scheduler = new ChildPullScheduler(pulls, identity, Options.Create(settings), time);

        // Act & assert: the first pull at start.
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            var start = time.GetUtcNow();
            Assert.Equal(start, await pulls.Attempts.Reader.ReadAsync().AsTask().DefaultTimeout());

            // The wait after a success is PullEvery on the node's clock: nothing a tick before it, the pull at it.
            Assert.Equal(settings.PullEvery, await time.Timers.Reader.ReadAsync().AsTask().DefaultTimeout());
            time.Advance(settings.PullEvery - TimeSpan.FromTicks(1));
            Assert.False(pulls.Attempts.Reader.TryRead(out _));
            time.Advance(TimeSpan.FromTicks(1));
            var failedAt = await pulls.Attempts.Reader.ReadAsync().AsTask().DefaultTimeout();
            Assert.Equal(start + settings.PullEvery, failedAt);

            // That pull fails: the retry waits a jittered back-off, on the same clock, at most RetryMax.
            var backOff = await time.Timers.Reader.ReadAsync().AsTask().DefaultTimeout();
            Assert.InRange(backOff, TimeSpan.FromTicks(1), settings.RetryMax);
            time.Advance(backOff - TimeSpan.FromTicks(1));
            Assert.False(pulls.Attempts.Reader.TryRead(out _));
            time.Advance(TimeSpan.FromTicks(1));
            Assert.Equal(failedAt + backOff, await pulls.Attempts.Reader.ReadAsync().AsTask().DefaultTimeout());

            // It succeeds: back to the regular interval.
            Assert.Equal(settings.PullEvery, await time.Timers.Reader.ReadAsync().AsTask().DefaultTimeout());
            Assert.Equal(3, pulls.Count);
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A fake clock that tells each timer's due time as it is created (a Task.Delay or a Polly back-off on it).</summary>
    private sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public Channel<TimeSpan> Timers { get; } = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Timers.Writer.TryWrite(dueTime);
            return timer;
        }
    }

    /// <summary>Pulls that succeed or fail as scripted, each telling the clock's time when it was asked for.</summary>
    private sealed class ScriptedPulls(TimeProvider time, bool[] fails) : IPullCoordinator
    {
        public Channel<DateTimeOffset> Attempts { get; } = Channel.CreateUnbounded<DateTimeOffset>();

        public int Count { get; private set; }

        public Task<PullResult> PullAsync(ChildOptions child, Period? period, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
        {
            var fail = fails[Math.Min(Count, fails.Length - 1)];
            Count++;
            Attempts.Writer.TryWrite(time.GetUtcNow());
            return fail
                ? Task.FromException<PullResult>(new PullFailedException($"{child.Id} is unreachable", new InvalidOperationException("scripted")))
                : Task.FromResult(new PullResult(child.Id, Period.Parse("2026-10-31"), "digest", 0, 0, AlreadyCurrent: true, Resumed: false, TimeSpan.Zero));
        }
    }
}
