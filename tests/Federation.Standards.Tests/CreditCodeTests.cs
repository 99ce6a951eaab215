using Xunit;

namespace Federation.Standards.Tests;

public class CreditCodeTests
{
    [Fact]
    public void TryParse_KnownGood_GivesDivision()
    {
        Assert.True(CreditCode.TryParse("91110000600037341L", out var code, out var error), error);
        Assert.Equal("110000", code.DivisionCode);
    }

    [Theory]
    [InlineData("91110000600037341M", "check character is M, the checksum gives L")]
    [InlineData("9111000060003734IL", "character 17 ('I') is not allowed (0-9 and A-Z without I, O, Z, S, V)")]
    [InlineData("91A10000600037341L", "characters 3-8 must be the digits of a division code")]
    [InlineData("9111000060003734", "must be 18 characters, got 16")]
    public void TryParse_Invalid_SaysWhy(string value, string expected)
    {
        Assert.False(CreditCode.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void CheckCharacter_OfKnownGood_Matches() => Assert.Equal('L', CreditCode.CheckCharacter("91110000600037341"));
}
