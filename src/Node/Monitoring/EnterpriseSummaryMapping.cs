using System.Globalization;
using Federation.Node.Ingest;
using Federation.Protocol.V1;
using Federation.Standards;

namespace Federation.Node.Monitoring;

/// <summary>The summary's figures as the proto's messages.</summary>
internal static class EnterpriseSummaryMapping
{
    /// <summary>The whole answer: the figures of <paramref name="figures"/>, read from <paramref name="manifest"/>'s period, with the bounds applied.</summary>
    public static EnterpriseSummary ToProto(EnterpriseSummaryFigures figures, Federation.Store.Manifest manifest, int warnPercent, long warnPeople)
    {
        var response = new EnterpriseSummary
        {
            Period = manifest.Period.ToString(),
            Month = figures.Month,
            ManifestDigest = manifest.Digest,
            Total = ToProto(figures.Total),
            WarnPercent = warnPercent,
            WarnPeople = warnPeople,
        };
        response.ByCity.AddRange(figures.ByCity.Select(ToProto));
        response.ByIndustry.AddRange(figures.ByIndustry.Select(ToProto));
        response.EarlyWarnings.AddRange(figures.EarlyWarnings.Select(ToProto));
        return response;
    }

    public static EnterpriseGroup ToProto(GroupFigures group)
    {
        var proto = new EnterpriseGroup
        {
            Key = group.Key,
            Label = group.Label,
            Enterprises = group.Enterprises,
            Baseline = group.Baseline,
            Current = group.Current,
            Change = group.Change,
            ChangePct = Percent(group.ChangePercent),
            ReducingEnterprises = group.ReducingEnterprises,
            PeopleReduced = group.PeopleReduced,
            PreviousMonth = Compare(group, group.PreviousMonth),
            SameMonthLastYear = Compare(group, group.SameMonthLastYear),
        };
        proto.ByType.AddRange(group.ByType.Select(t => new ReductionByType { Type = t.Type, Name = EnterpriseMonitoring.ReductionTypes[t.Type], Enterprises = t.Enterprises, People = t.People }));
        proto.Reasons.AddRange(group.Reasons.Select(r => new ReasonCount { Code = r.Code, Name = EnterpriseMonitoring.ReductionReasons[r.Code], Enterprises = r.Enterprises }));
        return proto;
    }

    public static EnterpriseWarning ToProto(EarlyWarning warning)
    {
        var r = warning.Report;
        var proto = new EnterpriseWarning
        {
            City = r.Origin,
            CreditCode = r.CreditCode,
            Name = r.Name,
            Industry = r.Industry,
            Baseline = r.Baseline,
            Current = r.Current,
            Reduction = warning.Reduction,
            ChangePct = Percent(EnterpriseMonitoringMath.Percent(r.Current - r.Baseline, r.Baseline)),
            ReductionType = r.ReductionType,
        };
        proto.Reasons.AddRange(r.Reasons);
        return proto;
    }

    private static MonthComparison? Compare(GroupFigures group, MonthTotals? other) => other is null ? null : new MonthComparison
    {
        Month = other.Month,
        Enterprises = other.Enterprises,
        Baseline = other.Baseline,
        Current = other.Current,
        Difference = group.Current - other.Current,
        DifferencePct = Percent(EnterpriseMonitoringMath.Percent(group.Current - other.Current, other.Current)),
    };

    public static string Percent(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "";
}
