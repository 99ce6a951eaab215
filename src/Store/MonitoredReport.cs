namespace Federation.Store;

/// <summary>A monthly report of a monitored enterprise with its sample entry's attributes (enterprise monitoring).</summary>
public sealed record MonitoredReport(string Origin, string CreditCode, string Name, string Industry, string SizeClass, string HandlingDivision,
    long Baseline, long Current, string ReductionType, IReadOnlyList<string> Reasons);
