using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Federation.Standards;

/// <summary>
/// A GB 11643-1999 citizen identity number (公民身份号码): 6-digit address code, birth date
/// YYYYMMDD, 3-digit sequence (odd = male, even = female) and a check character. The address code
/// is where the person was born or registered, not where they registered as employed or
/// unemployed — it does not route a record to a node.
/// </summary>
public readonly record struct CitizenId
{
    // Weights 2^(17-i) mod 11 and the check character for each remainder, per GB 11643.
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    private CitizenId(string value, DateOnly birthDate, Sex sex)
    {
        Value = value;
        BirthDate = birthDate;
        Sex = sex;
    }

    /// <summary>The 18-character number, upper-case X.</summary>
    public string Value { get; }

    /// <summary>The 6-digit address code.</summary>
    public string AddressCode => Value[..6];

    /// <summary>The birth date.</summary>
    public DateOnly BirthDate { get; }

    /// <summary>Male for an odd sequence digit, female for an even one.</summary>
    public Sex Sex { get; }

    /// <summary>The number with all but the first 3 and last 2 characters masked, for logs.</summary>
    public string Masked => Mask(Value);

    /// <summary>Masks any ID-like value for logs: keeps the first 3 and last 2 characters.</summary>
    public static string Mask(string? value) =>
        value is null || value.Length <= 5 ? "***" : value[..3] + new string('*', value.Length - 5) + value[^2..];

    /// <summary>Parses and checks a number; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out CitizenId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        // Not the character itself in the error: it is part of a person's number.
        if (!CheckedCode.TryRead(text, Weights, static c => c is >= '0' and <= '9' ? c - '0' : -1, static (position, _) => $"character {position} must be a digit",
            out var value, out var sum, out error))
        {
            return false;
        }
        var expected = CheckCharacters[sum % 11];
        if (value[17] != expected)
        {
            error = value[17] is (>= '0' and <= '9') or 'X'
                ? $"check character is {value[17]}, the checksum gives {expected}"
                : "character 18 must be a digit or X";
            return false;
        }
        if (!DateOnly.TryParseExact(value.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth) || birth.Year < 1880)
        {
            // Not the digits themselves: an error text may reach a log, and they are part of a person's number.
            error = "characters 7-14 (the birth date) are not a real date";
            return false;
        }
        var sex = (value[16] - '0') % 2 == 1 ? Sex.Male : Sex.Female;
        id = new CitizenId(value, birth, sex);
        error = null;
        return true;
    }

    /// <summary>Computes the check character for 17 digits (for generators and tests).</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }
        return CheckCharacters[sum % 11];
    }

    /// <inheritdoc />
    public override string ToString() => Masked;
}
