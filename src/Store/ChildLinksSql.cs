using System.Data.Common;
using System.Globalization;

namespace Federation.Store;

/// <summary>
/// The <c>child_links</c> table as both stores read it (the writes differ only in how each database
/// casts its parameters, so each store keeps its own).
/// </summary>
internal static class ChildLinksSql
{
    /// <summary>Every recorded child link, by child id.</summary>
    internal static IReadOnlyList<ChildLink> List(DbConnection connection)
    {
        using var command = FindingsSql.Command(connection, null,
            "SELECT child_id, last_attempt_at, last_success_at, period, digest, records, bytes, last_error, last_error_at FROM child_links ORDER BY child_id");
        using var reader = command.ExecuteReader();
        var links = new List<ChildLink>();
        while (reader.Read())
        {
            links.Add(new ChildLink(reader.GetString(0), ParseStamp(reader.GetString(1))!.Value, ParseStamp(reader.GetString(2)), Period.TryParse(reader.GetString(3), out var period) ? period : null, reader.GetString(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetString(7), ParseStamp(reader.GetString(8))));
        }
        return links;
    }

    private static DateTimeOffset? ParseStamp(string text) => text.Length == 0 ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
