using System.Globalization;

namespace Grpc.Core.Internal;

/// <summary>
/// <c>grpc-timeout</c>: TimeoutValue (1–8 ASCII digits) followed by a unit
/// H, M, S, m (ms), u (µs) or n (ns) — PROTOCOL-HTTP2.md "Requests".
/// </summary>
internal static class GrpcTimeout
{
    /// <summary>Parses a header value; <c>false</c> for anything that is not a valid timeout.</summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        // Up to 8 digits plus the unit. We accept longer values leniently (clamped below),
        // because refusing a call over a too-precise timeout helps nobody.
        if (value is null || value.Length < 2 || value.Length > 20)
        {
            return false;
        }
        var digits = value.AsSpan(0, value.Length - 1);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }
        double ticks = value[^1] switch
        {
            'H' => amount * (double)TimeSpan.TicksPerHour,
            'M' => amount * (double)TimeSpan.TicksPerMinute,
            'S' => amount * (double)TimeSpan.TicksPerSecond,
            'm' => amount * (double)TimeSpan.TicksPerMillisecond,
            'u' => amount * 10.0,
            'n' => amount / 100.0,
            _ => -1,
        };
        if (ticks < 0)
        {
            return false;
        }
        var maxTicks = GrpcProtocolConstants.MaxTimeout.Ticks;
        // Sub-tick timeouts (under 100 ns) round up to one tick: a deadline that is already due.
        timeout = TimeSpan.FromTicks(ticks >= maxTicks ? maxTicks : Math.Max(1, (long)Math.Ceiling(ticks)));
        return true;
    }

    /// <summary>
    /// Encodes a timeout with at most 8 digits, rounding up (a deadline must never be sent
    /// shorter than it is). Non-positive timeouts become <c>1n</c>, already expired.
    /// </summary>
    public static string Encode(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }
        if (timeout > GrpcProtocolConstants.MaxTimeout)
        {
            timeout = GrpcProtocolConstants.MaxTimeout;
        }
        var ticks = timeout.Ticks;
        // Pick the finest unit that fits in 8 digits.
        if (ticks <= 999_999)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }
        var micros = CeilDiv(ticks, 10);
        if (micros <= 99_999_999)
        {
            return micros.ToString(CultureInfo.InvariantCulture) + "u";
        }
        var millis = CeilDiv(ticks, TimeSpan.TicksPerMillisecond);
        if (millis <= 99_999_999)
        {
            return millis.ToString(CultureInfo.InvariantCulture) + "m";
        }
        var seconds = CeilDiv(ticks, TimeSpan.TicksPerSecond);
        if (seconds <= 99_999_999)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "S";
        }
        var minutes = CeilDiv(ticks, TimeSpan.TicksPerMinute);
        if (minutes <= 99_999_999)
        {
            return minutes.ToString(CultureInfo.InvariantCulture) + "M";
        }
        return CeilDiv(ticks, TimeSpan.TicksPerHour).ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
