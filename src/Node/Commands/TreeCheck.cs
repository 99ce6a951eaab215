
namespace Federation.Node.Commands;

/// <summary>
/// Checks a whole tree from its nodes' config files (<c>Federation.Node check-tree</c>): each file
/// on its own, then together — unique ids, one ministry at the root, every other node listed as a
/// child by exactly one parent, each listing agreeing with the child's own config (division,
/// address, Node:ParentId), and no cycles. Certificate files are not looked for: they live on
/// each node's own machine.
/// </summary>
internal static class TreeCheck
{
    public static IReadOnlyList<string> Check(IReadOnlyList<string> configPaths, out string summary)
    {
        var errors = new List<string>();
        var nodes = new Dictionary<string, NodeConfiguration>(StringComparer.Ordinal);
        foreach (var path in configPaths)
        {
            try
            {
                var config = NodeConfiguration.Load(path, checkFiles: false);
                if (!nodes.TryAdd(config.Node.Id, config))
                {
                    errors.Add($"{Path.GetFileName(path)}: Node:Id '{config.Node.Id}' is also used by {Path.GetFileName(nodes[config.Node.Id].Path)}.");
                }
            }
            catch (NodeConfigurationException ex)
            {
                errors.Add(ex.Message);
            }
        }

        var roots = nodes.Values.Where(n => n.Node.ParsedLevel == NodeLevel.Ministry).ToList();
        if (roots.Count != 1)
        {
            errors.Add(roots.Count == 0 ? "No ministry node among the configs: the tree has no root." : $"{roots.Count} ministry nodes ({string.Join(", ", roots.Select(r => r.Node.Id))}); the tree has one root.");
        }

        var parentOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parent in nodes.Values)
        {
            foreach (var child in parent.Node.Children)
            {
                if (parentOf.TryGetValue(child.Id, out var other))
                {
                    errors.Add($"'{child.Id}' is listed as a child by both '{other}' and '{parent.Node.Id}'; a node has one parent.");
                    continue;
                }
                parentOf[child.Id] = parent.Node.Id;
                if (!nodes.TryGetValue(child.Id, out var own))
                {
                    errors.Add($"'{parent.Node.Id}' lists child '{child.Id}', but no given config has that Node:Id.");
                    continue;
                }
                if (own.Node.DivisionCode != child.DivisionCode)
                {
                    errors.Add($"'{parent.Node.Id}' lists child '{child.Id}' with division {child.DivisionCode}, but its config says {own.Node.DivisionCode}.");
                }
                if (own.Node.ParentId != parent.Node.Id)
                {
                    errors.Add($"'{parent.Node.Id}' lists child '{child.Id}', whose Node:ParentId is {(own.Node.ParentId is { Length: > 0 } p ? $"'{p}'" : "not set")}: the child would refuse its parent's pulls.");
                }
                if (!SameEndpoint(child.Address, own.Server.Listen))
                {
                    errors.Add($"'{parent.Node.Id}' lists child '{child.Id}' at {child.Address}, but it listens on {own.Server.Listen}.");
                }
            }
        }
        foreach (var node in nodes.Values.Where(n => n.Node.ParsedLevel != NodeLevel.Ministry && !parentOf.ContainsKey(n.Node.Id)))
        {
            errors.Add($"'{node.Node.Id}' ({node.Node.Level}) is not listed as a child by any node: it would never be pulled.");
        }

        // Walk down from the root: meeting a node twice means a cycle (or a second parent).
        if (roots.Count == 1)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<(string Id, string Path)>();
            stack.Push((roots[0].Node.Id, roots[0].Node.Id));
            while (stack.Count > 0)
            {
                var (id, trail) = stack.Pop();
                if (!seen.Add(id))
                {
                    errors.Add($"The tree loops: {trail}.");
                    continue;
                }
                if (nodes.TryGetValue(id, out var config))
                {
                    foreach (var child in config.Node.Children)
                    {
                        stack.Push((child.Id, trail + " → " + child.Id));
                    }
                }
            }
        }

        var levels = nodes.Values.GroupBy(n => n.Node.ParsedLevel).ToDictionary(g => g.Key, g => g.Count());
        summary = $"{levels.GetValueOrDefault(NodeLevel.Ministry)} ministry, {levels.GetValueOrDefault(NodeLevel.Province)} province(s), {levels.GetValueOrDefault(NodeLevel.City)} city node(s)";
        return errors;
    }

    private static bool SameEndpoint(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var x) && Uri.TryCreate(b, UriKind.Absolute, out var y) &&
        x.Scheme == y.Scheme && string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase) && x.Port == y.Port;
}
