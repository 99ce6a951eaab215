using System.CommandLine;

namespace Federation.Node.Commands;

/// <summary><c>registration reset-feed</c>: the registration service's journal (docs/registration.md).</summary>
internal static class RegistrationCommands
{
    public static Command Create(Option<FileInfo> configOption)
    {
        var childIdOption = new Option<string>("--child") { Description = "The child's node id.", Required = true };
        var resetFeed = new Command("reset-feed", "After a child's registration journal was replaced (lost, or restored from a backup): forget this parent's position in its feed and the epoch it counted in, so the child's new feed is received from its start (docs/registration.md, \"Restoring\"). Run with the daemon stopped.")
        {
            childIdOption,
        };
        resetFeed.SetAction((parse, _) => CommandRunner.WithConfig(parse, configOption, config =>
        {
            var child = parse.GetValue(childIdOption)!;
            if (config.Node.Children.All(c => c.Id != child))
            {
                Console.Error.WriteLine($"{child} is not a child of {config.Node.Id}: its children are {string.Join(", ", config.Node.Children.Select(c => c.Id))}.");
                return 2;
            }
            using var journal = Registration.RegistrationJournals.Open(config, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var before = journal.ChildCursor(child);
            journal.ResetChildCursor(child);
            Console.WriteLine($"Forgot {config.Node.Id}'s position {before.Seq} in {child}'s feed (epoch {(before.Epoch.Length == 0 ? "none" : before.Epoch)}): the next connection receives its feed from the start; changes already here are not applied twice.");
            return 0;
        }));
        return new Command("registration", "The registration service's journal (docs/registration.md).") { resetFeed };
    }
}
