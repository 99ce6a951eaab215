using Federation.Client;
using Federation.Standards;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary>
/// <c>fedctl findings</c>: the comparison (比对) findings of a parent's sealed period. On screen,
/// citizen IDs are masked (screens are seen by others); <c>--json</c> gives them in full for the
/// operator's follow-up.
/// </summary>
internal static class FindingsCommand
{
    public static async Task<int> RunAsync(FederationClient client, Output output, string? period, string? kind, CancellationToken cancellationToken)
    {
        var findings = await client.ListFindingsAsync(period, kind, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(findings);
            return ExitCodes.Ok;
        }
        var console = output.Console;
        console.MarkupLine($"Period [bold]{findings.Period}[/]: {findings.Findings.Count:N0} findings" +
            (findings.Counts.Count > 0 ? " (" + string.Join(", ", findings.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value:N0}")) + ")" : ""));
        if (findings.Findings.Count == 0)
        {
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Kind").AddColumn("Subject").AddColumn("Nodes").AddColumn("Detail");
        foreach (var finding in findings.Findings)
        {
            var subject = CitizenId.TryParse(finding.Subject, out _, out _) ? CitizenId.Mask(finding.Subject) : finding.Subject;
            table.AddRow(Markup.Escape(finding.Kind), Markup.Escape(subject), Markup.Escape(string.Join(", ", finding.Origins)), Markup.Escape(finding.Detail));
        }
        console.Write(table);
        return ExitCodes.Ok;
    }
}
