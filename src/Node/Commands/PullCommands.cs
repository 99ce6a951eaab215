using System.CommandLine;
using Federation.Node.Host;
using Federation.Store;

namespace Federation.Node.Commands;

/// <summary><c>pull</c>: a parent pulls its children's sealed period snapshots now, as its schedule would.</summary>
internal static class PullCommands
{
    public static Command Create(Option<FileInfo> configOption)
    {
        var childOption = new Option<string?>("--child") { Description = "Pull only this child (its Node:Id); default: every child." };
        var periodOption = new Option<string?>("--period") { Description = "The period's as-of date, YYYY-MM-DD; default: each child's latest sealed period." };
        var pull = new Command("pull", "Pull the children's sealed period snapshots into this node (resumes an interrupted transfer; verifies the digest).")
        {
            childOption, periodOption,
        };
        pull.SetAction((parse, cancellationToken) => CommandRunner.WithConfigAndPeriodAsync(parse, configOption, periodOption, (config, period) =>
            PullAsync(config, parse.GetValue(childOption), period, cancellationToken)));
        return pull;
    }

    /// <summary>Pulls the configured children's sealed snapshots (all, or one) into this node's store.</summary>
    public static async Task<int> PullAsync(NodeConfiguration config, string? childId, Period? period, CancellationToken cancellationToken)
    {
        var children = config.Node.Children.Where(c => childId is null || c.Id == childId).ToList();
        if (children.Count == 0)
        {
            await Console.Error.WriteLineAsync(childId is null ? "This node has no children (Children in its config)." : $"'{childId}' is not a child of this node; children: {string.Join(", ", config.Node.Children.Select(c => c.Id))}.");
            return 2;
        }
        await using var services = NodeComposition.BuildForCommand(config);
        var coordinator = services.GetRequiredService<Exchange.Parent.IPullCoordinator>();
        var failed = 0;
        foreach (var child in children)
        {
            try
            {
                var result = await coordinator.PullAsync(child, period, progress: null, cancellationToken);
                Console.WriteLine(result.AlreadyCurrent
                    ? $"{child.Id}: period {result.Period} already received (digest {result.Digest})."
                    : $"{child.Id}: period {result.Period} received{(result.Resumed ? " (resumed)" : "")}: {result.Records:N0} records, {result.Bytes / 1048576.0:0.0} MiB in {result.Duration.TotalSeconds:0.0} s, digest {result.Digest}.");
            }
            catch (Exchange.Parent.PullFailedException ex)
            {
                // Already logged and recorded on the child's link by the coordinator.
                failed++;
                await Console.Error.WriteLineAsync($"{child.Id}: pull failed — {ex.Message}");
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
