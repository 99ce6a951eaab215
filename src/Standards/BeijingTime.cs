namespace Federation.Standards;

/// <summary>
/// The network's clock: dates, deadlines and periods are Beijing days (UTC+8, no daylight saving),
/// whatever time zone a node's machine is set to.
/// </summary>
public static class BeijingTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The Beijing date at the instant <paramref name="now"/>.</summary>
    public static DateOnly Date(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(Offset).DateTime);
}
