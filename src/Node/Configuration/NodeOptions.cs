namespace Federation.Node.Configuration;

/// <summary>The node's identity: section <c>Node</c> of its JSON config.</summary>
internal sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>Unique id in the tree, e.g. <c>city-440100</c>: letters, digits, '-', '_' and '.', at most 64.</summary>
    public string Id { get; set; } = "";

    /// <summary><c>city</c>, <c>province</c> or <c>ministry</c>.</summary>
    public string Level { get; set; } = "";

    /// <summary>
    /// GB/T 2260 code of the jurisdiction: <c>PPCC00</c> (or a county-level code for a
    /// province-administered unit) for a city, <c>PP0000</c> for a province, <c>000000</c> for the ministry.
    /// </summary>
    public string DivisionCode { get; set; } = "";

    /// <summary>Display name of the jurisdiction (行政区划名称). Optional.</summary>
    public string? DivisionName { get; set; }

    /// <summary>
    /// The id of this node's parent (<c>province-440000</c> for a city): only a caller whose
    /// certificate names this node may pull this node's snapshots, witness its audit chain and
    /// forward verifications to it on behalf of its own callers. Unset: no node may (the ministry).
    /// </summary>
    public string? ParentId { get; set; }

    /// <summary>This node's children in the tree (section <c>Children</c>, bound separately).</summary>
    public List<ChildOptions> Children { get; set; } = [];

    /// <summary>The parsed <see cref="Level"/> (valid after validation).</summary>
    public NodeLevel ParsedLevel => NodeLevels.TryParse(Level, out var level) ? level : throw new InvalidOperationException($"Node:Level '{Level}' is invalid.");
}
