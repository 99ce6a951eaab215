using System.Text;
using Federation.Standards;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Node.Tests.Reliability;

/// <summary>
/// Fuzzing of the certificate and ID parsers (issue 25, item 2): lines mutated from citizen IDs
/// (GB 11643), certificate numbers, unified social credit codes and numbers as people type them
/// (full-width, grouped with spaces), each given as it is and folded as the client library and the
/// web pages fold it (<see cref="TypedNumber.Fold"/>), to <see cref="CitizenId.TryParse"/>,
/// <see cref="CertificateNumber.TryParse"/> and <see cref="CreditCode.TryParse"/>. Invariant:
/// nothing is thrown; folding is idempotent and leaves no white space; a number accepted is its
/// trimmed upper-case text, parses again to itself and satisfies its standard (check character,
/// real birth date, sex from the sequence, canonical form); a refusal says why without echoing the
/// number; a masked citizen ID shows its first 3 and last 2 characters only.
/// </summary>
public sealed class IdParserFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Tokens =
    [
        "0", "1", "9", "X", "x", "Ｘ", "０", "９", " ", "\u3000", "\t", "\u00A0", "\uFEFF", "\u200B", "-", "440106", "440304", "19900101", "20260230",
        "18791231", "00000000", "99999999", "\uFF10", "\uFF5E", "\uFF01", "ß", "ı", "İ", "ǅ", "\uD800", "\0", "MA5", "IOZSV", "\n",
    ];

    [Fact]
    public void Numbers_MutatedAndFolded_AreParsedToTheirStandardOrRefusedSayingWhy() =>
        Fuzzer.Run("ids", 5000, Tokens, ParseOnce, output);

    private static void ParseOnce(FuzzCase c)
    {
        foreach (var line in Encoding.UTF8.GetString(c.Bytes).Split('\n'))
        {
            var folded = TypedNumber.Fold(line);
            Assert.Equal(folded, TypedNumber.Fold(folded));
            Assert.DoesNotContain(folded, char.IsWhiteSpace);
            Check(line);
            Check(folded);
        }
    }

    private static void Check(string text)
    {
        var trimmed = text.Trim().ToUpperInvariant();
        if (CitizenId.TryParse(text, out var id, out var error))
        {
            Assert.Equal(trimmed, id.Value);
            Assert.Equal(CitizenId.CheckCharacter(id.Value.AsSpan(0, 17)), id.Value[17]);
            Assert.Equal(id.Value.Substring(6, 8), id.BirthDate.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal((id.Value[16] - '0') % 2 == 1 ? Sex.Male : Sex.Female, id.Sex);
            Assert.True(CitizenId.TryParse(id.Value, out var again, out _) && again == id);
            Assert.Equal(id.Value[..3] + new string('*', 13) + id.Value[^2..], id.Masked);
        }
        else
        {
            NoEcho(trimmed, error);
        }
        if (CertificateNumber.TryParse(text, out var certificate, out error))
        {
            Assert.Equal(trimmed, certificate.Value);
            Assert.InRange(certificate.Value.Length, 1, 20);
            Assert.All(certificate.Value, ch => Assert.True(char.IsAsciiDigit(ch) || char.IsAsciiLetterUpper(ch), $"'{ch}' in an accepted certificate number"));
            Assert.Equal(!(certificate.Value.Length == 16 && certificate.Value.All(char.IsAsciiDigit)), certificate.IsLegacy);
            Assert.Equal(certificate.IsLegacy ? null : certificate.Value[..6], certificate.IssuerCode);
            Assert.True(CertificateNumber.TryParse(certificate.Value, out var again, out _) && again == certificate);
        }
        else
        {
            NoEcho(trimmed, error);
        }
        if (CreditCode.TryParse(text, out var code, out error))
        {
            Assert.Equal(trimmed, code.Value);
            Assert.Equal(CreditCode.CheckCharacter(code.Value.AsSpan(0, 17)), code.Value[17]);
            Assert.All(code.DivisionCode, ch => Assert.True(char.IsAsciiDigit(ch)));
            Assert.True(CreditCode.TryParse(code.Value, out var again, out _) && again == code);
        }
        else
        {
            NoEcho(trimmed, error);
        }
    }

    // A refusal says why, and never repeats the number it refuses (it may be a person's).
    private static void NoEcho(string trimmed, string? error)
    {
        Assert.False(string.IsNullOrWhiteSpace(error));
        if (trimmed.Length >= 9)
        {
            Assert.DoesNotContain(trimmed, error, StringComparison.Ordinal);
        }
    }
}
