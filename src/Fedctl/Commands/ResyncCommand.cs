using Federation.Client;
using Federation.Protocol.V1;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary><c>fedctl resync</c>: ask a parent to pull its children now, and optionally follow it.</summary>
internal static class ResyncCommand
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(FederationClient client, Output output, string? child, string? period, bool wait, string? follow, CancellationToken cancellationToken)
    {
        if (follow is not null && (child is not null || period is not null))
        {
            throw new ArgumentException("--follow follows an operation already started; --child and --period belong to starting one.");
        }
        // --follow ID: an operation started earlier (by this or another operator), followed to its end.
        var operation = follow is not null
            ? await client.GetOperationAsync(follow, cancellationToken)
            : await client.TriggerResyncAsync(child, period, cancellationToken);
        wait |= follow is not null;
        if (!wait)
        {
            if (output.Json)
            {
                Output.WriteJson(operation);
            }
            else
            {
                output.Console.MarkupLine($"Resync started: operation [bold]{operation.Id}[/] for {string.Join(", ", operation.Children.Select(c => c.ChildId))}.");
                output.Console.MarkupLine($"Follow it with: fedctl resync --follow {operation.Id}");
            }
            return ExitCodes.Ok;
        }

        if (Output.Interactive && !output.Json)
        {
            await output.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var bars = operation.Children.ToDictionary(c => c.ChildId, c => context.AddTask(Markup.Escape(c.ChildId), maxValue: 1));
                    while (true)
                    {
                        foreach (var progress in operation.Children)
                        {
                            var bar = bars[progress.ChildId];
                            bar.MaxValue = Math.Max(1, progress.TotalRecords);
                            bar.Value = progress.State is "committed" or "current" ? bar.MaxValue : progress.Records;
                            bar.Description = Markup.Escape($"{progress.ChildId} {progress.State}");
                        }
                        if (operation.State != OperationState.Running)
                        {
                            break;
                        }
                        await Task.Delay(PollEvery, cancellationToken);
                        operation = await client.GetOperationAsync(operation.Id, cancellationToken);
                    }
                });
        }
        else
        {
            // To a log or a pipe: a line when something moved, not the same line every poll.
            var last = "";
            while (operation.State == OperationState.Running)
            {
                await Task.Delay(PollEvery, cancellationToken);
                operation = await client.GetOperationAsync(operation.Id, cancellationToken);
                var line = string.Join("; ", operation.Children.Select(c => $"{c.ChildId} {c.State} {c.Records:N0}/{c.TotalRecords:N0}"));
                if (!output.Json && line != last)
                {
                    Console.Error.WriteLine(line);
                    last = line;
                }
            }
        }

        if (output.Json)
        {
            Output.WriteJson(operation);
        }
        else
        {
            foreach (var progress in operation.Children)
            {
                // "current": the child's period was already here — nothing new was transferred.
                var line = Markup.Escape(progress.State == "current"
                    ? $"{progress.ChildId}: nothing new, period {progress.Period} already received"
                    : $"{progress.ChildId}: {progress.State}{(progress.Period.Length > 0 ? $", period {progress.Period}" : "")}, {progress.Records:N0} records");
                output.Console.MarkupLine(progress.State == "failed" ? $"[red]{line}: {Markup.Escape(progress.Error)}[/]" : line);
            }
        }
        return operation.State == OperationState.Succeeded ? ExitCodes.Ok : ExitCodes.Negative;
    }
}
