using Federation.Client;
using Federation.Protocol.V1;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary><c>fedctl enterprises</c>: enterprise monitoring's summary of a survey month.</summary>
internal static class EnterprisesCommand
{
    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string Pct(string value) => value.Length == 0 ? "—" : value + " %";

    public static async Task<int> RunAsync(FederationClient client, Output output, string month, string? period, int warnPercent, long warnPeople, CancellationToken cancellationToken)
    {
        var summary = await client.GetEnterpriseSummaryAsync(month, period, warnPercent, warnPeople, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(summary);
            return ExitCodes.Ok;
        }
        var total = summary.Total;
        output.Console.MarkupLine($"Enterprise monitoring, survey month [bold]{summary.Month}[/], from period [bold]{summary.Period}[/]");
        output.Console.MarkupLine($"{N(total.Enterprises)} enterprises reporting: baseline {N(total.Baseline)}, now {N(total.Current)}, change {N(total.Change)} ({Pct(total.ChangePct)}); " +
            $"{N(total.ReducingEnterprises)} reducing, {N(total.PeopleReduced)} people");
        foreach (var (name, comparison) in new[] { ("previous month", total.PreviousMonth), ("same month last year", total.SameMonthLastYear) })
        {
            output.Console.MarkupLine(comparison is null ? $"[grey]{name}: no reports[/]"
                : $"{name} {comparison.Month}: {N(comparison.Enterprises)} enterprises, {N(comparison.Current)} people; now {N(comparison.Difference)} ({Pct(comparison.DifferencePct)})");
        }
        output.Console.Write(Groups("City", summary.ByCity));
        output.Console.Write(Groups("Industry (GB/T 4754)", summary.ByIndustry));
        if (total.ByType.Count > 0)
        {
            var types = new Table().Border(TableBorder.Rounded).AddColumn("Reduction type").AddColumn(new TableColumn("Enterprises").RightAligned()).AddColumn(new TableColumn("People").RightAligned());
            foreach (var type in total.ByType)
            {
                types.AddRow(Markup.Escape($"{type.Type} {type.Name}"), N(type.Enterprises), N(type.People));
            }
            output.Console.Write(types);
            output.Console.MarkupLine("Reasons cited: " + Markup.Escape(string.Join(", ", total.Reasons.Take(5).Select(r => $"{r.Code} {r.Name} ×{r.Enterprises}"))));
        }
        output.Console.MarkupLine($"[bold]Early warning[/] (a reduction ≥ {summary.WarnPercent} % of the baseline or ≥ {N(summary.WarnPeople)} people): {summary.EarlyWarnings.Count}");
        if (summary.EarlyWarnings.Count > 0)
        {
            var warnings = new Table().Border(TableBorder.Rounded).AddColumn("City").AddColumn("Enterprise").AddColumn("Industry")
                .AddColumn(new TableColumn("Baseline").RightAligned()).AddColumn(new TableColumn("Now").RightAligned()).AddColumn(new TableColumn("Reduction").RightAligned()).AddColumn("Type");
            foreach (var w in summary.EarlyWarnings)
            {
                warnings.AddRow(Markup.Escape(w.City), Markup.Escape($"{w.Name} {w.CreditCode}"), w.Industry, N(w.Baseline), N(w.Current), $"{N(w.Reduction)} ({Pct(w.ChangePct)})", Markup.Escape(w.ReductionType));
            }
            output.Console.Write(warnings);
        }
        output.Console.MarkupLine($"[grey]snapshot digest {summary.ManifestDigest}[/]");
        return ExitCodes.Ok;
    }

    private static Table Groups(string title, IEnumerable<EnterpriseGroup> groups)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(title).AddColumn(new TableColumn("Enterprises").RightAligned())
            .AddColumn(new TableColumn("Baseline").RightAligned()).AddColumn(new TableColumn("Now").RightAligned()).AddColumn(new TableColumn("Change").RightAligned())
            .AddColumn(new TableColumn("Reducing").RightAligned()).AddColumn(new TableColumn("vs last month").RightAligned());
        foreach (var g in groups)
        {
            table.AddRow(Markup.Escape($"{g.Key} {g.Label}"), N(g.Enterprises), N(g.Baseline), N(g.Current), $"{N(g.Change)} ({Pct(g.ChangePct)})",
                N(g.ReducingEnterprises), g.PreviousMonth is { } p ? $"{N(p.Difference)} ({Pct(p.DifferencePct)})" : "—");
        }
        return table;
    }
}
