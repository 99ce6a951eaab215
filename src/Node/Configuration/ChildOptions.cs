namespace Federation.Node.Configuration;

/// <summary>One child of this node in the tree: an element of <c>Children</c> in the JSON config.</summary>
internal sealed class ChildOptions
{
    /// <summary>The child's Node:Id.</summary>
    public string Id { get; set; } = "";

    /// <summary>The child's Node:DivisionCode; must lie inside this node's jurisdiction, one level down.</summary>
    public string DivisionCode { get; set; } = "";

    /// <summary>Where the child listens: http://host:port or https://host:port.</summary>
    public string Address { get; set; } = "";
}
