using Grpc.Core.Internal;
using Xunit;

namespace Federation.Rpc.Tests.Unit;

public class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 3600_000.0)]
    [InlineData("2M", 120_000.0)]
    [InlineData("3S", 3_000.0)]
    [InlineData("250m", 250.0)]
    [InlineData("1500u", 1.5)]
    [InlineData("2000000n", 2.0)]
    [InlineData("99999999S", 99_999_999_000.0)]
    public void TryParse_EachUnit_GivesTheTimeout(string header, double expectedMs)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedMs, timeout.TotalMilliseconds, precision: 6);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("-5S")]
    [InlineData(" 5S")]
    [InlineData("1.5S")]
    public void TryParse_Malformed_IsRejected(string? header) => Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(1_000)]
    [InlineData(123_456_789)]
    [InlineData(86_400_000)]
    public void Encode_RoundTrip_NeverShorterAndAtMostEightDigits(long milliseconds)
    {
        var timeout = TimeSpan.FromMilliseconds(milliseconds);
        var header = GrpcTimeout.Encode(timeout);
        Assert.InRange(header.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(header, out var parsed));
        Assert.True(parsed >= timeout, $"{header} decodes to {parsed}, shorter than {timeout}");
        Assert.True(parsed - timeout < TimeSpan.FromTicks(Math.Max(10, timeout.Ticks / 1_000_000)) + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Encode_NonPositive_IsAlreadyExpired() => Assert.Equal("1n", GrpcTimeout.Encode(TimeSpan.Zero));
}
