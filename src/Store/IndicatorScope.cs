namespace Federation.Store;

/// <summary>
/// Which sealed data indicators are computed from: a node's own sealed period, or the union of
/// the snapshots of that period it received from some of its children (a parent's figure for a
/// child's area, R-15).
/// </summary>
public sealed record IndicatorScope(Period Period, IReadOnlyList<string>? Children = null)
{
    public static IndicatorScope OwnPeriod(Period period) => new(period);

    public static IndicatorScope FromChildren(Period period, IEnumerable<string> childIds)
    {
        var ids = childIds.ToList();
        return ids.Count == 0 ? throw new ArgumentException("At least one child.", nameof(childIds)) : new IndicatorScope(period, ids);
    }
}
