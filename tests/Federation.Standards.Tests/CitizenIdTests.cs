using Xunit;

namespace Federation.Standards.Tests;

public class CitizenIdTests
{
    [Fact]
    public void TryParse_KnownGood_GivesBirthDateAndSex()
    {
        Assert.True(CitizenId.TryParse("11010519491231002X", out var id, out var error), error);
        Assert.Equal(new DateOnly(1949, 12, 31), id.BirthDate);
        Assert.Equal(Sex.Female, id.Sex);
        Assert.Equal("110105", id.AddressCode);
    }

    [Fact]
    public void TryParse_LowerCaseX_IsAccepted() => Assert.True(CitizenId.TryParse("11010519491231002x", out _, out _));

    [Theory]
    [InlineData("110105194912310021", "check character is 1, the checksum gives X")]
    [InlineData("1101051949123100", "must be 18 characters, got 16")]
    [InlineData("11010519491231A02X", "character 15 must be a digit")]
    [InlineData("", "must be 18 characters, got 0")]
    public void TryParse_Invalid_SaysWhy(string value, string expected)
    {
        Assert.False(CitizenId.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_ImpossibleBirthDate_IsRefusedEvenWithGoodChecksum()
    {
        var first17 = "11010519490230001";
        var value = first17 + CitizenId.CheckCharacter(first17);
        Assert.False(CitizenId.TryParse(value, out _, out var error));
        Assert.Equal("characters 7-14 (the birth date) are not a real date", error);
        Assert.DoesNotContain("19490230", error, StringComparison.Ordinal); // no part of the number in an error text
    }

    [Fact]
    public void Sex_OddSequenceDigit_IsMale()
    {
        var first17 = "44010619900101001";
        Assert.True(CitizenId.TryParse(first17 + CitizenId.CheckCharacter(first17), out var id, out _));
        Assert.Equal(Sex.Male, id.Sex);
    }

    [Fact]
    public void Mask_KeepsOnlyEnds() => Assert.Equal("110*************2X", CitizenId.Mask("11010519491231002X"));
}
