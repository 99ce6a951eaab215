using System.Reflection;

namespace Federation.Node.Configuration;

/// <summary>Who this node is and since when: what GetNodeStatus reports.</summary>
internal sealed class NodeIdentity(NodeOptions options, TimeProvider time)
{
    public string Id { get; } = options.Id;
    public NodeLevel Level { get; } = options.ParsedLevel;
    public string DivisionCode { get; } = options.DivisionCode;
    public string DivisionName { get; } = options.DivisionName
        ?? (options.DivisionCode == Standards.Jurisdiction.NationalCode ? "全国" : Standards.DivisionTable.Default.Find(options.DivisionCode)?.Name ?? "");
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();
    public IReadOnlyList<string> ListenAddresses { get; set; } = [];
    public IReadOnlyList<ChildOptions> Children { get; } = options.Children;

    public static string Version { get; } =
        typeof(NodeIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(NodeIdentity).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
