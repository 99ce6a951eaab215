using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Federation.Standards.Tests;

/// <summary>
/// The citizen-ID (GB 11643) and certificate-number parsers over generated numbers (FsCheck): a
/// well-formed number parses to its canonical form and back; any single wrong character of an ID
/// is caught; full-width digits (what an IME types) are refused, never read as other digits; and
/// no refusal repeats the number it refused (personal data stays out of error texts).
/// </summary>
public sealed class NumberPropertyTests
{
    private const int Runs = 300;

    private static readonly DateOnly FirstBirth = new(1900, 1, 1);

    // 17 digits: an address code, a real birth date and a sequence number.
    private static readonly Gen<string> First17 =
        from address in Gen.Choose(110000, 659999)
        from day in Gen.Choose(0, 125 * 365)
        from sequence in Gen.Choose(0, 999)
        select $"{address:D6}{FirstBirth.AddDays(day):yyyyMMdd}{sequence:D3}";

    private static readonly Arbitrary<string> CitizenIds = First17.Select(digits => digits + CitizenId.CheckCharacter(digits)).ToArbitrary();

    private static readonly Arbitrary<string> CanonicalCertificates =
        Gen.ArrayOf(Gen.Choose(0, 9), 16).Select(digits => string.Concat(digits)).ToArbitrary();

    // 1–20 ASCII letters and digits, never 16 digits (those are canonical).
    private static readonly Arbitrary<string> LegacyCertificates =
        Gen.Choose(1, 20)
            .SelectMany(length => Gen.ArrayOf(Gen.Elements("0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcxyz".ToCharArray()), length))
            .Select(chars => new string(chars))
            .Where(text => !(text.Length == 16 && text.All(char.IsAsciiDigit)))
            .ToArbitrary();

    private static char FullWidth(char digit) => (char)('０' + (digit - '0'));

    [Property(MaxTest = Runs)]
    public Property CitizenId_WellFormed_ParsesToItselfWithItsBirthDateAndSex() => Prop.ForAll(CitizenIds, (string text) =>
    {
        // Act
        var parsed = CitizenId.TryParse("  " + text.ToLowerInvariant() + " ", out var id, out var error);

        // Assert: trimmed, an x upper-cased, the date and sex read from the digits
        Assert.True(parsed, error);
        Assert.Equal(text, id.Value);
        Assert.Equal(DateOnly.ParseExact(text.Substring(6, 8), "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), id.BirthDate);
        Assert.Equal((text[16] - '0') % 2 == 1 ? Sex.Male : Sex.Female, id.Sex);
        Assert.True(CitizenId.TryParse(id.Value, out var again, out _));
        Assert.Equal(id, again);
    });

    [Property(MaxTest = Runs)]
    public Property CitizenId_AnySingleCharacterChanged_IsRefused() =>
        Prop.ForAll(CitizenIds, Arb.From(Gen.Choose(0, 17)), Arb.From(Gen.Choose(1, 10)), (string text, int position, int shift) =>
        {
            // Arrange: one character replaced by another the position allows (the check character may be X)
            const string Allowed = "0123456789X";
            var alphabet = position == 17 ? Allowed : Allowed[..10];
            var other = alphabet[(alphabet.IndexOf(text[position], StringComparison.Ordinal) + shift) % alphabet.Length];
            if (other == text[position])
            {
                return; // shift went round the alphabet: nothing changed
            }
            var changed = text[..position] + other + text[(position + 1)..];

            // Act
            var parsed = CitizenId.TryParse(changed, out _, out var error);

            // Assert: GB 11643's MOD 11-2 check catches every single substitution
            Assert.False(parsed);
            Assert.DoesNotContain(changed, error!, StringComparison.Ordinal);
        });

    [Property(MaxTest = Runs)]
    public Property CitizenId_AFullWidthDigit_IsRefusedWithoutEchoingTheNumber() =>
        Prop.ForAll(CitizenIds, Arb.From(Gen.Choose(0, 16)), (string text, int position) =>
        {
            var typed = text[..position] + FullWidth(text[position]) + text[(position + 1)..];

            Assert.False(CitizenId.TryParse(typed, out _, out var error));
            Assert.Equal($"character {position + 1} must be a digit", error);
        });

    [Property(MaxTest = Runs)]
    public Property CertificateNumber_Canonical_ParsesIntoItsPartsAndBack() => Prop.ForAll(CanonicalCertificates, (string text) =>
    {
        // Act
        Assert.True(CertificateNumber.TryParse(" " + text + "\t", out var number, out var error), error);

        // Assert: the parts put together are the number; parsing its value again gives the same
        Assert.False(number.IsLegacy);
        Assert.Equal(text, number.Value);
        Assert.Equal(text, number.IssuerCode + number.HouseholdNature + text[7] + number.IssueYear + number.Sequence);
        Assert.True(CertificateNumber.TryParse(number.ToString(), out var again, out _));
        Assert.Equal(number, again);
    });

    [Property(MaxTest = Runs)]
    public Property CertificateNumber_Legacy_IsKeptUpperCasedAndFlagged() => Prop.ForAll(LegacyCertificates, (string text) =>
    {
        Assert.True(CertificateNumber.TryParse(text, out var number, out var error), error);

        Assert.True(number.IsLegacy);
        Assert.Equal(text.ToUpperInvariant(), number.Value);
        Assert.Null(number.IssuerCode); // a legacy number routes nowhere by its digits
        Assert.True(CertificateNumber.TryParse(number.Value, out var again, out _));
        Assert.Equal(number, again);
    });

    [Property(MaxTest = Runs)]
    public Property CertificateNumber_AFullWidthDigit_IsRefusedNamingOnlyThatCharacter() =>
        Prop.ForAll(CanonicalCertificates, Arb.From(Gen.Choose(0, 15)), (string text, int position) =>
        {
            var typed = text[..position] + FullWidth(text[position]) + text[(position + 1)..];

            Assert.False(CertificateNumber.TryParse(typed, out _, out var error));
            Assert.Equal($"contains '{FullWidth(text[position])}'; only letters and digits are allowed", error);
        });

    [Property(MaxTest = Runs)]
    public Property CertificateNumber_LongerThan20_IsRefusedByItsLength() =>
        Prop.ForAll(Arb.From(Gen.Choose(21, 64)), (int length) =>
        {
            var text = new string('7', length);

            Assert.False(CertificateNumber.TryParse(text, out _, out var error));
            Assert.Equal($"is {length} characters; at most 20", error);
        });
}
