using Xunit;

namespace Federation.Standards.Tests;

public class CertificateNumberTests
{
    [Fact]
    public void TryParse_Canonical_SplitsIntoParts()
    {
        Assert.True(CertificateNumber.TryParse("4401061015000123", out var number, out _));
        Assert.False(number.IsLegacy);
        Assert.Equal("440106", number.IssuerCode);
        Assert.Equal('1', number.HouseholdNature);
        Assert.Equal("15", number.IssueYear);
        Assert.Equal("000123", number.Sequence);
    }

    [Theory]
    [InlineData("GZ2009A00123")]
    [InlineData("44010610150001234")]
    [InlineData("1")]
    public void TryParse_Legacy_IsAcceptedAndFlagged(string value)
    {
        Assert.True(CertificateNumber.TryParse(value, out var number, out _));
        Assert.True(number.IsLegacy);
        Assert.Null(number.IssuerCode);
    }

    [Theory]
    [InlineData("4401-0610", "contains '-'; only letters and digits are allowed")]
    [InlineData("", "is empty")]
    [InlineData("123456789012345678901", "is 21 characters; at most 20")]
    public void TryParse_Invalid_SaysWhy(string value, string expected)
    {
        Assert.False(CertificateNumber.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }
}
