namespace Federation.Testing;

/// <summary>A clock whose timestamps move only when a test says so (for throttles that read <see cref="TimeProvider.GetTimestamp"/>).</summary>
public sealed class SteppedClock : TimeProvider
{
    private long _ticks = 1;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}
