using System.Text;
using Federation.Node.Errors;

namespace Federation.Node.Admin;

/// <summary>The page token of ListFindings: the last finding's kind and subject (keyset paging), opaque to callers.</summary>
internal static class FindingsPageToken
{
    public static string Format(string kind, string subject) => Convert.ToBase64String(Encoding.UTF8.GetBytes(kind + "\n" + subject));

    public static (string Kind, string Subject)? Parse(string token)
    {
        if (token.Length == 0)
        {
            return null;
        }
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
            if (parts.Length == 2)
            {
                return (parts[0], parts[1]);
            }
        }
        catch (FormatException)
        {
        }
        throw new InvalidRequestException("page_token is not a token this node issued; start again without it");
    }
}
