namespace Federation.Node.Configuration;

/// <summary>A node's level in the tree.</summary>
internal enum NodeLevel
{
    /// <summary>地市: a prefecture-level city (or a province-administered county-level unit).</summary>
    City,
    /// <summary>省: a province, autonomous region, municipality or the XPCC.</summary>
    Province,
    /// <summary>部: the ministry, root of the tree.</summary>
    Ministry,
}

internal static class NodeLevels
{
    public static bool TryParse(string? text, out NodeLevel level)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "city":
                level = NodeLevel.City;
                return true;
            case "province":
                level = NodeLevel.Province;
                return true;
            case "ministry":
                level = NodeLevel.Ministry;
                return true;
            default:
                level = default;
                return false;
        }
    }

    public static string Name(this NodeLevel level) => level switch
    {
        NodeLevel.City => "city",
        NodeLevel.Province => "province",
        _ => "ministry",
    };
}
