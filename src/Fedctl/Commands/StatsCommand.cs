using Federation.Client;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary><c>fedctl stats</c>: indicators R-10 … R-14 from a sealed period.</summary>
internal static class StatsCommand
{
    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(FederationClient client, Output output, string? period, string? from, string? to, string? division,
        long employedTotal, bool calendarMonth, CancellationToken cancellationToken)
    {
        var indicators = await client.GetIndicatorsAsync(period, from, to, division, employedTotal, calendarMonth, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(indicators);
            return ExitCodes.Ok;
        }
        output.Console.MarkupLine($"Period [bold]{indicators.Period}[/], division [bold]{indicators.Division}[/], {indicators.From} … {indicators.To}");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Indicator").AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("R-10 new urban employment 城镇新增就业", indicators.NewUrbanEmployment.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("R-11 re-employment of the unemployed 失业人员再就业", indicators.ReemployedUnemployed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("R-12 hard-to-employ employed 就业困难人员就业", indicators.HardToEmployEmployed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("R-13 registered unemployed 登记失业人员", indicators.RegisteredUnemployed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("R-14 registered unemployment rate 登记失业率",
            indicators.RegisteredUnemploymentRate.Length > 0 ? indicators.RegisteredUnemploymentRate + " %" : "[grey](give --employed-total)[/]");
        output.Console.Write(table);
        if (indicators.ManifestDigest.Length > 0)
        {
            output.Console.MarkupLine($"[grey]snapshot digest {indicators.ManifestDigest}[/]");
        }
        if (indicators.Children.Count > 0)
        {
            var children = new Table().Border(TableBorder.Rounded).AddColumn("Child").AddColumn(new TableColumn("R-10").RightAligned())
                .AddColumn(new TableColumn("R-11").RightAligned()).AddColumn(new TableColumn("R-12").RightAligned()).AddColumn(new TableColumn("R-13").RightAligned())
                .AddColumn("R-15 reported ±5 %");
            foreach (var child in indicators.Children)
            {
                if (child.Missing)
                {
                    children.AddRow(Markup.Escape($"{child.ChildId} {child.DivisionCode}"), "[yellow]not received[/]", "", "", "", "");
                    continue;
                }
                var check = child.ReportedError.Length > 0 ? $"[grey]not checked: {Markup.Escape(child.ReportedError)}[/]"
                    : child.Deviations.Count > 0 ? "[red]DIFFERS: " + Markup.Escape(string.Join("; ", child.Deviations)) + "[/]"
                    : "[green]agrees[/]";
                children.AddRow(Markup.Escape($"{child.ChildId} {child.DivisionCode}"), N(child.NewUrbanEmployment), N(child.ReemployedUnemployed),
                    N(child.HardToEmployEmployed), N(child.RegisteredUnemployed), check);
            }
            output.Console.Write(children);
        }
        return ExitCodes.Ok;
    }
}
