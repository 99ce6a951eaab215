using Spectre.Console;
using Federation.Client;
using Federation.Reporting;

namespace Federation.Fedctl.Commands;

/// <summary><c>fedctl report</c>: the quarterly employment-situation and data-analysis report, as HTML and a spreadsheet.</summary>
internal static class ReportCommand
{
    public static async Task<int> RunAsync(FederationClient client, Output output, string quarterText, string? division, long employedTotal, string? htmlPath, string? xlsxPath,
        bool english, CancellationToken cancellationToken)
    {
        Quarter quarter;
        try
        {
            quarter = Quarter.Parse(quarterText);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.Usage;
        }
        QuarterlyReportData data;
        try
        {
            data = await QuarterlyReportData.GatherAsync(new ClientReportSource(client), quarter, division, employedTotal, TimeProvider.System, cancellationToken);
        }
        catch (ReportException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.Negative;
        }
        var (html, xlsx) = await WriteAsync(data, htmlPath, xlsxPath, english, cancellationToken);
        output.Console.WriteLine($"{quarter} report of {data.NodeId} ({data.Division} {data.DivisionName}) from sealed period {data.Period}:");
        output.Console.WriteLine($"  {html}");
        output.Console.WriteLine($"  {xlsx}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Writes the report's HTML and spreadsheet (default names <c>report-&lt;node&gt;-&lt;quarter&gt;.html</c> /
    /// <c>.xlsx</c> in the current directory); returns their full paths. The demo writes its sample report with it.
    /// </summary>
    public static async Task<(string Html, string Xlsx)> WriteAsync(QuarterlyReportData data, string? htmlPath, string? xlsxPath, bool english,
        CancellationToken cancellationToken)
    {
        var html = Path.GetFullPath(htmlPath ?? $"report-{data.NodeId}-{data.Quarter}.html");
        var xlsx = Path.GetFullPath(xlsxPath ?? Path.ChangeExtension(html, ".xlsx"));
        await File.WriteAllTextAsync(html, QuarterlyReportHtml.Render(data, english), new System.Text.UTF8Encoding(false), cancellationToken);
        QuarterlyReportWorkbook.Write(data, xlsx);
        return (html, xlsx);
    }
}
