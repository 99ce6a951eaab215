using System.Diagnostics.CodeAnalysis;

namespace Federation.Standards;

/// <summary>
/// An Employment/Unemployment Registration Certificate number (就业失业登记证号; 就业创业证号 since
/// 2014). The canonical form is 16 digits: issuing county (6), household-registration nature (1),
/// one opaque digit (1), issue year YY (2), sequence per issuer and year (6). No check digit is
/// published, so none is checked. Older legacy numbers (1–20 letters and digits) are accepted and
/// flagged <see cref="IsLegacy"/>; only canonical numbers route by their issuing county.
/// </summary>
public readonly record struct CertificateNumber
{
    private CertificateNumber(string value, bool isLegacy)
    {
        Value = value;
        IsLegacy = isLegacy;
    }

    /// <summary>The number as issued (upper-case).</summary>
    public string Value { get; }

    /// <summary>Whether the number is not in the canonical 16-digit form.</summary>
    public bool IsLegacy { get; }

    /// <summary>The issuing county's code (canonical numbers only).</summary>
    public string? IssuerCode => IsLegacy ? null : Value[..6];

    /// <summary>Household-registration nature digit (canonical only).</summary>
    public char? HouseholdNature => IsLegacy ? null : Value[6];

    /// <summary>The two-digit issue year (canonical only).</summary>
    public string? IssueYear => IsLegacy ? null : Value.Substring(8, 2);

    /// <summary>The sequence number (canonical only).</summary>
    public string? Sequence => IsLegacy ? null : Value[10..];

    /// <summary>Parses a number; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out CertificateNumber number, [NotNullWhen(false)] out string? error)
    {
        number = default;
        var value = text?.Trim().ToUpperInvariant() ?? "";
        if (value.Length is 0 or > 20)
        {
            error = value.Length == 0 ? "is empty" : $"is {value.Length} characters; at most 20";
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                error = $"contains '{c}'; only letters and digits are allowed";
                return false;
            }
        }
        var canonical = value.Length == 16 && value.All(char.IsAsciiDigit);
        number = new CertificateNumber(value, isLegacy: !canonical);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
