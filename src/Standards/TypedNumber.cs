using System.Text;

namespace Federation.Standards;

/// <summary>
/// A number as a person types or pastes it — a certificate number, a citizen ID — folded to the
/// form the parsers take: full-width digits and letters (０１２…, Ｘ, as Chinese input methods
/// produce them) to ASCII (as Unicode's NFKC does), spaces and the ideographic space (as printed in groups,
/// <c>4401 0610 1900 0001</c>) removed, upper case. The client library (hence fedctl) and the web
/// pages fold what they are given before checking and sending it; stored records and node-to-node
/// data are never folded (import takes exactly what the standard says).
/// </summary>
public static class TypedNumber
{
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // The full-width forms of ASCII (U+FF01…U+FF5E) are ASCII shifted by 0xFEE0: the
            // mapping Unicode's NFKC makes, done here because the node runs with invariant
            // globalization (no ICU to normalise with).
            var ascii = c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
            if (!char.IsWhiteSpace(ascii))
            {
                folded.Append(char.ToUpperInvariant(ascii));
            }
        }
        return folded.ToString();
    }
}
