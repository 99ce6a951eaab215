using Federation.Client;
using Federation.Protocol.V1;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary><c>fedctl ingest</c>: upload production exports to a city node, with progress.</summary>
internal static class IngestCommand
{
    public static async Task<int> RunAsync(FederationClient client, Output output, string[] paths, string? seal, string? encoding, CancellationToken cancellationToken)
    {
        var options = new UploadOptions { SealAsOf = seal ?? "", Encoding = encoding ?? "" };
        UploadResult result;
        if (Output.Interactive && !output.Json)
        {
            result = null!;
            await output.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("uploading", maxValue: 1);
                    var progress = new Progress<UploadProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.TotalBytes);
                        task.Value = p.BytesSent;
                        task.Description = Markup.Escape(p.File);
                    });
                    result = await client.UploadAsync(paths, options, progress, cancellationToken);
                    task.Value = task.MaxValue;
                    task.Description = "imported";
                });
        }
        else
        {
            var lastReported = -1L;
            var progress = new Progress<UploadProgress>(p =>
            {
                // Plain output: one line per 10 %.
                var decile = p.TotalBytes == 0 ? 10 : p.BytesSent * 10 / p.TotalBytes;
                if (decile != lastReported && !output.Json)
                {
                    lastReported = decile;
                    Console.Error.WriteLine($"uploading {p.File}: {p.BytesSent:N0} of {p.TotalBytes:N0} bytes");
                }
            });
            result = await client.UploadAsync(paths, options, progress, cancellationToken);
        }

        if (output.Json)
        {
            Output.WriteJson(result);
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Dataset")
            .AddColumn(new TableColumn("Read").RightAligned()).AddColumn(new TableColumn("Accepted").RightAligned())
            .AddColumn(new TableColumn("Changed").RightAligned()).AddColumn(new TableColumn("Rejected").RightAligned());
        foreach (var dataset in result.Datasets)
        {
            table.AddRow(dataset.Dataset, N(dataset.Read), N(dataset.Accepted), N(dataset.Changed), dataset.Rejected > 0 ? $"[yellow]{N(dataset.Rejected)}[/]" : "0");
        }
        table.AddRow("[bold]total[/]", N(result.Read), N(result.Accepted), N(result.Changed), N(result.Rejected));
        output.Console.Write(table);
        if (result.Rejected > 0)
        {
            output.Console.MarkupLine($"[yellow]{N(result.Rejected)} rows rejected[/]; the first ones:");
            foreach (var reject in result.FirstRejects.Take(10))
            {
                output.Console.MarkupLine(Markup.Escape($"  {reject.File}:{reject.Line} {reject.Field}: {reject.Reason}"));
            }
            output.Console.MarkupLine(Markup.Escape($"Full rejects report on the node: {result.RejectsReport}"));
        }
        if (result.SealedPeriod.Length > 0)
        {
            output.Console.MarkupLine($"Sealed period [bold]{result.SealedPeriod}[/], digest {result.Digest}");
        }
        return ExitCodes.Ok;
    }

    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
