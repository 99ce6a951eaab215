using System.Globalization;
using Federation.Protocol.V1;
using Federation.Standards;

namespace Federation.Reporting;

/// <summary>One area's figures for the quarter (a child node's, or at a city a county's).</summary>
internal sealed record AreaFigures(string Code, string Name, Indicators Figures);

/// <summary>
/// Everything the quarterly analysis report (seed 001 §三(二)) shows, read from one node's sealed
/// period through the same RPCs an analyst calls: R-10 … R-14 for the quarter and the year to
/// date, by area, the last eight quarters, and enterprise monitoring's months of the quarter.
/// </summary>
internal sealed record QuarterlyReportData(
    string NodeId, string Division, string DivisionName, Quarter Quarter, string Period, string Digest, long EmployedTotal,
    Indicators QuarterFigures, Indicators YearToDate, IReadOnlyList<(Quarter Quarter, Indicators Figures)> Trend,
    IReadOnlyList<AreaFigures> Areas, IReadOnlyList<EnterpriseSummary> Monitoring, DateTimeOffset GeneratedAt)
{
    /// <summary>The same quarter a year before (from the trend), or null when not in it.</summary>
    public Indicators? SameQuarterLastYear => Trend.FirstOrDefault(t => t.Quarter == Quarter.Shift(-4)).Figures;

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads the report's figures from <paramref name="source"/>: a node over gRPC (fedctl), or the
    /// node's own services in process (the operator console's report page) — the same figures, the same HTML.
    /// </summary>
    public static async Task<QuarterlyReportData> GatherAsync(IReportSource source, Quarter quarter, string? division, long employedTotal, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var status = await source.GetNodeStatusAsync(cancellationToken);
        var latest = status.LatestSealed?.Period ?? "";
        if (latest.Length == 0)
        {
            throw new ReportException($"{status.NodeId} has no sealed period yet; a report is made from sealed periods.");
        }
        if (string.CompareOrdinal(latest, Iso(quarter.Last)) < 0)
        {
            throw new ReportException($"{status.NodeId}'s latest sealed period is {latest}; {quarter} ends {Iso(quarter.Last)}, so it is not complete yet. Seal (or pull) a period as of {Iso(quarter.Last)} or later first.");
        }
        async Task<Indicators> Figures(DateOnly from, DateOnly to, string? area) =>
            await source.GetIndicatorsAsync(new GetIndicatorsRequest { Period = latest, From = Iso(from), To = Iso(to), Division = area ?? division ?? "", EmployedTotal = employedTotal },
                cancellationToken);

        var figures = await Figures(quarter.First, quarter.Last, null);
        var yearToDate = await Figures(new DateOnly(quarter.Year, 1, 1), quarter.Last, null);
        var trend = new List<(Quarter, Indicators)>();
        for (var back = 7; back >= 0; back--)
        {
            var q = quarter.Shift(-back);
            trend.Add((q, back == 0 ? figures : await Figures(q.First, q.Last, null)));
        }
        var areas = new List<AreaFigures>();
        if (figures.Children.Count > 0)
        {
            // A parent's figures carry each child's.
            areas.AddRange(figures.Children.Where(c => !c.Missing).Select(c => new AreaFigures(c.DivisionCode, DivisionTable.Default.Find(c.DivisionCode)?.Name ?? c.ChildId,
                new Indicators { NewUrbanEmployment = c.NewUrbanEmployment, ReemployedUnemployed = c.ReemployedUnemployed, HardToEmployEmployed = c.HardToEmployEmployed, RegisteredUnemployed = c.RegisteredUnemployed })));
        }
        else
        {
            // A city's areas are its counties.
            var code = division ?? status.DivisionCode;
            foreach (var county in DivisionTable.Default.All.Where(d => d.PrefectureCode == code && d.Code != code).OrderBy(d => d.Code, StringComparer.Ordinal))
            {
                areas.Add(new AreaFigures(county.Code, county.Name, await Figures(quarter.First, quarter.Last, county.Code)));
            }
        }
        var monitoring = new List<EnterpriseSummary>();
        foreach (var month in quarter.Months)
        {
            var summary = await source.GetEnterpriseSummaryAsync(new GetEnterpriseSummaryRequest { Month = month, Period = latest }, cancellationToken);
            if (summary.Total.Enterprises > 0)
            {
                monitoring.Add(summary);
            }
        }
        return new QuarterlyReportData(status.NodeId, figures.Division, DivisionTable.Default.Find(figures.Division)?.Name ?? status.DivisionName, quarter, latest,
            figures.ManifestDigest, employedTotal, figures, yearToDate, trend, areas, monitoring, time.GetLocalNow());
    }
}

/// <summary>Where a report's figures come from: the three reads of a node the report makes.</summary>
internal interface IReportSource
{
    Task<NodeStatus> GetNodeStatusAsync(CancellationToken cancellationToken);

    Task<Indicators> GetIndicatorsAsync(GetIndicatorsRequest request, CancellationToken cancellationToken);

    Task<EnterpriseSummary> GetEnterpriseSummaryAsync(GetEnterpriseSummaryRequest request, CancellationToken cancellationToken);
}

/// <summary>The report cannot be made (no sealed period covering the quarter, …): said to the user as is.</summary>
internal sealed class ReportException(string message) : Exception(message);
