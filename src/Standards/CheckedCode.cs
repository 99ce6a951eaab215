using System.Diagnostics.CodeAnalysis;

namespace Federation.Standards;

/// <summary>
/// What the two 18-character national codes share — the citizen ID (GB 11643) and the unified
/// social credit code (GB 32100): read trimmed and in upper case, exactly 18 characters, the first
/// 17 each worth a value and weighted into the sum the 18th checks.
/// </summary>
internal static class CheckedCode
{
    public const int Length = 18;

    /// <summary>
    /// Reads <paramref name="text"/> and sums its first 17 characters by <paramref name="weights"/>;
    /// false, with <paramref name="error"/> saying why, when the length is wrong or a character has
    /// no value (<paramref name="valueOf"/> negative; <paramref name="notAllowed"/> words the error
    /// from the character's position and the character).
    /// </summary>
    public static bool TryRead(string? text, int[] weights, Func<char, int> valueOf, Func<int, char, string> notAllowed,
        out string value, out int sum, [NotNullWhen(false)] out string? error)
    {
        value = text?.Trim().ToUpperInvariant() ?? "";
        sum = 0;
        if (value.Length != Length)
        {
            error = $"must be {Length} characters, got {value.Length}";
            return false;
        }
        for (var i = 0; i < Length - 1; i++)
        {
            var v = valueOf(value[i]);
            if (v < 0)
            {
                error = notAllowed(i + 1, value[i]);
                return false;
            }
            sum += v * weights[i];
        }
        error = null;
        return true;
    }
}
