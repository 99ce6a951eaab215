namespace Federation.Node.Statistics;

/// <summary>
/// Which sealed data the indicators are computed from: this node's own sealed period (p_ tables),
/// or the committed snapshots it received from some of its children (c_ tables, union of the
/// given children). The calculator's queries are written against p_ and rewritten here.
/// </summary>
internal sealed class IndicatorSource
{
    private readonly string _prefix;
    private readonly string _filter;

    private IndicatorSource(string prefix, string filter)
    {
        _prefix = prefix;
        _filter = filter;
    }

    public static IndicatorSource OwnPeriod { get; } = new("p_", "");

    /// <summary>
    /// The union of these children's committed snapshots. Child ids are validated at start-up
    /// (letters, digits, '-', '_', '.'), so they are safe to quote into the query.
    /// </summary>
    public static IndicatorSource Children(IEnumerable<string> childIds)
    {
        var ids = childIds.ToList();
        if (ids.Count == 0 || ids.Any(id => !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException("Child ids must be non-empty and validated node ids.", nameof(childIds));
        }
        return new IndicatorSource("c_", $" AND child_id IN ({string.Join(", ", ids.Select(id => $"'{id}'"))})");
    }

    public string Apply(string sql) => sql
        .Replace("FROM p_", "FROM " + _prefix, StringComparison.Ordinal)
        .Replace("WHERE period = $period", "WHERE period = $period" + _filter, StringComparison.Ordinal);
}
