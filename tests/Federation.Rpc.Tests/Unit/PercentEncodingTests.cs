using Grpc.Core.Internal;
using Xunit;

namespace Federation.Rpc.Tests.Unit;

public class PercentEncodingTests
{
    [Fact]
    public void Encode_SpecialStatusMessage_EscapesControlPercentAndNonAscii()
    {
        // Arrange
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";

        // Act
        var encoded = PercentEncoding.Encode(message);

        // Assert
        Assert.Equal("%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA and non-BMP %F0%9F%98%88%09%0A", encoded);
        Assert.Equal(message, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("plain text stays", "plain text stays")]
    [InlineData("100%", "100%25")]
    [InlineData("~ and space", "~ and space")]
    public void Encode_Ascii_PassesThroughExceptPercent(string input, string expected) => Assert.Equal(expected, PercentEncoding.Encode(input));

    [Theory]
    [InlineData("%", "%")]
    [InlineData("50%z", "50%z")]
    [InlineData("%4", "%4")]
    [InlineData("%e2%98%ba", "☺")]
    [InlineData("%FF", "\uFFFD")]
    public void Decode_InvalidOrLowerCase_NeverThrowsOrDropsText(string input, string expected) => Assert.Equal(expected, PercentEncoding.Decode(input));
}
