using Federation.Node.Ingest;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Monitoring;

/// <summary>One group's figures for a survey month (a city, an industry section, or the whole scope).</summary>
internal sealed record GroupFigures(string Key, string Label, long Enterprises, long Baseline, long Current, long ReducingEnterprises, long PeopleReduced,
    IReadOnlyList<(string Type, long Enterprises, long People)> ByType, IReadOnlyList<(string Code, long Enterprises)> Reasons,
    MonthTotals? PreviousMonth, MonthTotals? SameMonthLastYear)
{
    public long Change => Current - Baseline;

    public decimal? ChangePercent => EnterpriseMonitoringMath.Percent(Change, Baseline);
}

/// <summary>Another month's totals for the same group, for comparison (null when nothing was reported then).</summary>
internal sealed record MonthTotals(string Month, long Enterprises, long Baseline, long Current);

/// <summary>An enterprise whose reduction reaches the early-warning bounds.</summary>
internal sealed record EarlyWarning(MonitoredReport Report)
{
    public long Reduction => Report.Baseline - Report.Current;
}

/// <summary>The summary of one survey month over one sealed scope.</summary>
internal sealed record EnterpriseSummaryFigures(string Month, GroupFigures Total, IReadOnlyList<GroupFigures> ByCity, IReadOnlyList<GroupFigures> ByIndustry,
    IReadOnlyList<EarlyWarning> EarlyWarnings);

/// <summary>
/// Enterprise monitoring's summaries (DOMAIN.md, "Our precise reading"): per survey month, for the
/// whole scope, by city (the monitoring city: the node the entry came from) and by GB/T 4754
/// section — enterprises reporting, baseline and current head count, change and change % from the
/// group's totals, reductions by type and the reasons cited, the previous month and the same
/// month a year before (their own totals), and the early-warning list. Only accepted reports
/// count; a missing report is not imputed.
/// </summary>
internal sealed class EnterpriseSummaryCalculator(IIndicatorQueries queries)
{
    public EnterpriseSummaryFigures Compute(Period period, string month, int warnPercent, long warnPeople)
    {
        using var reader = queries.Open(IndicatorScope.OwnPeriod(period));
        var reports = reader.EnterpriseReports(month).ToList();
        var previous = reader.EnterpriseReports(ShiftMonth(month, -1)).ToList();
        var lastYear = reader.EnterpriseReports(ShiftMonth(month, -12)).ToList();

        GroupFigures Group(string key, string label, Func<MonitoredReport, bool> member) =>
            Figures(key, label, [.. reports.Where(member)], Totals(ShiftMonth(month, -1), previous.Where(member)), Totals(ShiftMonth(month, -12), lastYear.Where(member)));

        var total = Group("", "", _ => true);
        var byCity = reports.Select(r => r.Origin).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(origin => Group(origin, CityLabel(reports.First(r => r.Origin == origin).HandlingDivision), r => r.Origin == origin)).ToList();
        var byIndustry = reports.Select(r => r.Industry[0]).Distinct().Order()
            .Select(section => Group(section.ToString(), EnterpriseMonitoring.SectionName(section), r => r.Industry[0] == section)).ToList();
        var warnings = reports.Where(r => EnterpriseMonitoringMath.Warns(r.Baseline, r.Current, warnPercent, warnPeople))
            .Select(r => new EarlyWarning(r)).OrderByDescending(w => w.Reduction).ThenBy(w => w.Report.Origin, StringComparer.Ordinal).ThenBy(w => w.Report.CreditCode, StringComparer.Ordinal).ToList();
        return new EnterpriseSummaryFigures(month, total, byCity, byIndustry, warnings);
    }

    private static GroupFigures Figures(string key, string label, List<MonitoredReport> reports, MonthTotals? previous, MonthTotals? lastYear)
    {
        var reducing = reports.Where(r => r.Current < r.Baseline).ToList();
        var byType = EnterpriseMonitoring.ReductionTypes.Keys
            .Select(type => (Type: type, Enterprises: (long)reducing.Count(r => r.ReductionType == type), People: reducing.Where(r => r.ReductionType == type).Sum(r => r.Baseline - r.Current)))
            .Where(t => t.Enterprises > 0).ToList();
        var reasons = reducing.SelectMany(r => r.Reasons).GroupBy(code => code, StringComparer.Ordinal)
            .Select(g => (Code: g.Key, Enterprises: (long)g.Count())).OrderByDescending(g => g.Enterprises).ThenBy(g => g.Code, StringComparer.Ordinal).ToList();
        return new GroupFigures(key, label, reports.Count, reports.Sum(r => r.Baseline), reports.Sum(r => r.Current), reducing.Count,
            reducing.Sum(r => r.Baseline - r.Current), byType, reasons, previous, lastYear);
    }

    private static MonthTotals? Totals(string month, IEnumerable<MonitoredReport> reports)
    {
        var list = reports.ToList();
        return list.Count == 0 ? null : new MonthTotals(month, list.Count, list.Sum(r => r.Baseline), list.Sum(r => r.Current));
    }

    // "440100 广州市": the monitoring city of a handling division, with its name.
    internal static string CityLabel(string handlingDivision)
    {
        var code = EnterpriseMonitoring.MonitoringCity(handlingDivision);
        return DivisionTable.Default.Find(code) is { } division ? $"{code} {division.Name}" : code;
    }

    private static string ShiftMonth(string month, int months) => EnterpriseMonitoring.ShiftMonth(month, months);
}
