using System.Diagnostics.CodeAnalysis;

namespace Federation.Standards;

/// <summary>
/// A GB 32100-2015 unified social credit code (统一社会信用代码): 18 characters from
/// <c>0-9A-Z</c> without I, O, Z, S, V; characters 3–8 are the registering division's code;
/// the last is a check character.
/// </summary>
public readonly record struct CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private CreditCode(string value) => Value = value;

    /// <summary>The 18-character code.</summary>
    public string Value { get; }

    /// <summary>The registering division (characters 3–8).</summary>
    public string DivisionCode => Value.Substring(2, 6);

    /// <summary>Parses and checks a code; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out CreditCode code, [NotNullWhen(false)] out string? error)
    {
        code = default;
        if (!CheckedCode.TryRead(text, Weights, static c => Alphabet.IndexOf(c, StringComparison.Ordinal),
            static (position, c) => $"character {position} ('{c}') is not allowed (0-9 and A-Z without I, O, Z, S, V)", out var value, out var sum, out error))
        {
            return false;
        }
        for (var i = 2; i < 8; i++)
        {
            if (value[i] is < '0' or > '9')
            {
                error = "characters 3-8 must be the digits of a division code";
                return false;
            }
        }
        var expected = CheckCharacter(sum);
        if (value[17] != expected)
        {
            error = $"check character is {value[17]}, the checksum gives {expected}";
            return false;
        }
        code = new CreditCode(value);
        error = null;
        return true;
    }

    /// <summary>Computes the check character for 17 characters (for generators and tests).</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i]) * Weights[i];
        }
        return CheckCharacter(sum);
    }

    private static char CheckCharacter(int weightedSum) => Alphabet[(31 - (weightedSum % 31)) % 31];

    /// <inheritdoc />
    public override string ToString() => Value;
}
