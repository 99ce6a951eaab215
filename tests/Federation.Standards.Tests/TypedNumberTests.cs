using Xunit;

namespace Federation.Standards.Tests;

/// <summary>What a person types is folded before it is checked: full-width digits and letters, spaces, case.</summary>
public sealed class TypedNumberTests
{
    [Theory]
    [InlineData("４４０１０６１０１９０００００１", "4401061019000001")]
    [InlineData(" 4401 0610 1900 0001 ", "4401061019000001")]
    [InlineData("4401\u30000610\u30001900\u30000001", "4401061019000001")]
    [InlineData("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X")]
    [InlineData("ｇｚ-2003 ab12", "GZ-2003AB12")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Folds_what_a_person_types_to_the_form_the_parsers_take(string? typed, string folded) =>
        Assert.Equal(folded, TypedNumber.Fold(typed));

    [Fact]
    public void A_folded_full_width_number_parses_as_the_canonical_one()
    {
        Assert.True(CertificateNumber.TryParse(TypedNumber.Fold("４４０１ ０６１０ １９００ ０００１"), out var number, out _));
        Assert.Equal("4401061019000001", number.Value);
        Assert.False(number.IsLegacy);
        Assert.True(CitizenId.TryParse(TypedNumber.Fold("１１０１０５１９４９１２３１００２ｘ"), out var id, out _));
        Assert.Equal("11010519491231002X", id.Value);
    }
}
