using Federation.Node.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Security;

/// <summary>
/// Failed sign-ins per client address (issue 20 item 6): free at first, then a doubling delay up
/// to a cap, then a lockout that ends on time; forgotten after the window; addresses apart.
/// </summary>
public sealed class AuthenticationThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    private AuthenticationThrottle Throttle(int free = 3, int lockout = 8) => new(Options.Create(new SecurityOptions
    {
        FailedSignInsFree = free,
        FailedSignInDelay = TimeSpan.FromMilliseconds(100),
        FailedSignInMaxDelay = TimeSpan.FromMilliseconds(500),
        FailedSignInsBeforeLockout = lockout,
        FailedSignInLockout = TimeSpan.FromMinutes(2),
        FailedSignInWindow = TimeSpan.FromMinutes(15),
    }), _time);

    [Fact]
    public void Failed_GrowingDelayThenLockout_EndsOnTime()
    {
        // Arrange
        var throttle = Throttle();

        // Act
        var answers = Enumerable.Range(0, 8).Select(_ => throttle.Failed("203.0.113.7")).ToList();

        // Assert: 3 free, then 100, 200, 400, 500 (capped) ms; the 8th locks the address out
        Assert.Equal([0, 0, 0, 100, 200, 400, 500], answers.Take(7).Select(a => (int)a.Delay.TotalMilliseconds));
        Assert.All(answers.Take(7), a => Assert.False(a.Locked));
        Assert.True(answers[7].Locked);
        Assert.Equal(_time.GetUtcNow().AddMinutes(2), throttle.LockedUntil("203.0.113.7"));
        Assert.Null(throttle.LockedUntil("203.0.113.8"));
        _time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.NotNull(throttle.LockedUntil("203.0.113.7"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(throttle.LockedUntil("203.0.113.7"));
        // After a lockout the next failure costs a delay at once, not the free ones again.
        Assert.Equal(TimeSpan.FromMilliseconds(100), throttle.Failed("203.0.113.7").Delay);
    }

    [Fact]
    public void Failed_AfterTheWindowWithoutAnother_IsForgotten()
    {
        // Arrange
        var throttle = Throttle(free: 1);
        throttle.Failed("2001:db8::1");
        Assert.Equal(TimeSpan.FromMilliseconds(100), throttle.Failed("2001:db8::1").Delay);

        // Act
        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        // Assert
        Assert.Equal(TimeSpan.Zero, throttle.Failed("2001:db8::1").Delay);
    }

    [Fact]
    public void Failed_LockoutZero_NeverLocksOut()
    {
        var throttle = Throttle(free: 0, lockout: 0);

        var answers = Enumerable.Range(0, 50).Select(_ => throttle.Failed("198.51.100.1")).ToList();

        Assert.DoesNotContain(answers, a => a.Locked);
        Assert.Null(throttle.LockedUntil("198.51.100.1"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), answers[^1].Delay);
    }
}
