namespace Federation.Node.Ingest;

/// <summary>The arithmetic of enterprise monitoring, one definition for the importer and the summaries.</summary>
internal static class EnterpriseMonitoringMath
{
    /// <summary>
    /// change / baseline × 100, rounded half away from zero to 2 decimals (−12.625 → −12.63); null
    /// when the baseline is 0. A group's percentage is this of its totals, never an average of
    /// enterprises' percentages (填表说明(九)).
    /// </summary>
    public static decimal? Percent(long change, long baseline) =>
        baseline == 0 ? null : Math.Round(change * 100m / baseline, 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Early warning: a reduction r &gt; 0 with r × 100 ≥ pct × baseline or r ≥ people, in exact
    /// integer arithmetic, both bounds inclusive.
    /// </summary>
    public static bool Warns(long baseline, long current, int percent, long people)
    {
        var reduction = baseline - current;
        return reduction > 0 && (reduction * 100 >= (long)percent * baseline || reduction >= people);
    }
}
