using System.CommandLine;

namespace Federation.Node.Commands;

/// <summary><c>check-tree</c>: the node configs of a whole tree checked together (<see cref="TreeCheck"/>).</summary>
internal static class TreeCommands
{
    public static Command Create()
    {
        var configsArgument = new Argument<FileInfo[]>("configs") { Description = "The config files of every node of the tree.", Arity = ArgumentArity.OneOrMore };
        var checkTree = new Command("check-tree", "Check that the given node configs form one consistent tree (ids, levels, jurisdictions, addresses, no cycles).")
        {
            configsArgument,
        };
        checkTree.SetAction(parse =>
        {
            var errors = TreeCheck.Check([.. parse.GetRequiredValue(configsArgument).Select(f => f.FullName)], out var summary);
            if (errors.Count > 0)
            {
                Console.Error.WriteLine($"The tree is inconsistent ({summary}):");
                foreach (var error in errors)
                {
                    Console.Error.WriteLine("  - " + error.Replace(Environment.NewLine, Environment.NewLine + "    ", StringComparison.Ordinal));
                }
                return 2;
            }
            Console.WriteLine($"Tree OK: {summary}.");
            return 0;
        });
        return checkTree;
    }
}
