using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Federation.Client;
using Federation.Testing;

namespace Federation.Bench.Registration;

/// <summary>
/// The demo tree's shape (config/demo-tree) as seven node processes of this build (Release),
/// mutual TLS between them and towards the bench, as the end-to-end tests start them
/// (<see cref="NodeProcess"/>, <see cref="TestPki"/>): ministry ← province-440000 ← city-440100,
/// city-440300 and ministry ← province-320000 ← city-320100, city-320200. Ports are fixed
/// (<c>firstPort</c> … +6, cities first) so that a parent's config can name its children before
/// they are known to listen. The node's process ids are appended to <c>nodes.pid</c> in the
/// directory as they start, so the script can kill them should this process die without disposing.
/// </summary>
internal sealed class BenchTree : IAsyncDisposable
{
    public static readonly IReadOnlyList<(string Id, string Code)> Cities =
        [("city-440100", "440100"), ("city-440300", "440300"), ("city-320100", "320100"), ("city-320200", "320200")];

    private static readonly IReadOnlyList<(string Id, string Code, string[] Children)> Provinces =
        [("province-440000", "440000", ["city-440100", "city-440300"]), ("province-320000", "320000", ["city-320100", "city-320200"])];

    private readonly List<NodeProcess> _nodes = [];
    private readonly List<string> _ids = [];
    private readonly string _directory;

    private BenchTree(string directory) => _directory = directory;

    /// <summary>The city nodes, in the order of <see cref="Cities"/>.</summary>
    public IReadOnlyList<NodeProcess> CityNodes => _nodes[..Cities.Count];

    public IReadOnlyList<NodeProcess> Parents => _nodes[Cities.Count..];

    public NodeProcess Ministry => _nodes[^1];

    /// <summary>The ministry's registration journal (the SQLite file beside its store).</summary>
    public string MinistryJournal => Federation.Store.Sqlite.SqliteRegistrationJournal.PathFor(Path.Combine(_directory, "data", "ministry.db"));

    public static async Task<BenchTree> StartAsync(string directory, int firstPort)
    {
        var ports = Cities.Select(c => c.Id).Concat(Provinces.Select(p => p.Id)).Append("ministry")
            .Select((id, i) => (id, port: firstPort + i)).ToDictionary(p => p.id, p => p.port, StringComparer.Ordinal);
        var tree = new BenchTree(directory);
        try
        {
            foreach (var (id, code) in Cities)
            {
                await tree.StartNodeAsync(id, "city", code, ports, []);
            }
            foreach (var (id, code, children) in Provinces)
            {
                await tree.StartNodeAsync(id, "province", code, ports, [.. children.Select(c => (c, Cities.Single(city => city.Id == c).Code))]);
            }
            await tree.StartNodeAsync("ministry", "ministry", "000000", ports, [.. Provinces.Select(p => (p.Id, p.Code))]);
            return tree;
        }
        catch
        {
            await tree.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of <paramref name="node"/> as the harness's account (every role, registrar included).</summary>
    public static FederationClient Client(NodeProcess node) => new(new FederationClientOptions
    {
        Address = node.Address.ToString(), ServerCertificateAuthority = node.Pki.Authority, ClientCertificate = node.Pki.Load(TestPki.Tester),
    });

    /// <summary>
    /// Until every parent has opened its registration links to each of its children. Only the
    /// applications stream is looked at: the status shows a change feed connected only once the
    /// child has sent a change (the child sends no response headers before its first message), so
    /// on a fresh tree it says "not connected" while the stream is open and waiting.
    /// </summary>
    public async Task WaitConnectedAsync(TimeSpan patience)
    {
        foreach (var parent in Parents)
        {
            using var client = Client(parent);
            await Wait.UntilAsync($"{Path.GetFileNameWithoutExtension(parent.ConfigPath)}'s registration links", patience, async () =>
                (await client.GetNodeStatusAsync()).Registration.Links is { Count: > 0 } links && links.All(l => l.ApplicationsConnected));
        }
    }

    /// <summary>The CPU time each node's process has used so far, by node id, in start order (cities, provinces, ministry).</summary>
    public IReadOnlyList<(string Id, TimeSpan Cpu)> CpuTimes() =>
        [.. _ids.Zip(_nodes, (id, node) =>
        {
            using var process = Process.GetProcessById(node.Process.Id);
            return (id, process.TotalProcessorTime);
        })];

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task StartNodeAsync(string id, string level, string code, Dictionary<string, int> ports, (string Id, string Code)[] children)
    {
        // The production default log level (Information), not the tests' Debug: a line per change
        // applied would be part of the measurement.
        var extra = new JsonObject { ["Log"] = new JsonObject { ["Directory"] = "logs" } };
        if (children.Length > 0)
        {
            extra["Children"] = new JsonArray([.. children.Select(c => (JsonNode)new JsonObject
            {
                ["Id"] = c.Id, ["DivisionCode"] = c.Code, ["Address"] = Address(ports[c.Id]),
            })]);
        }
        var config = await NodeProcess.WriteConfigAsync(_directory, id, level, code, extra);
        await NodeProcess.EditConfigAsync(config, c => c["Server"]!["Listen"] = Address(ports[id]));
        var node = await NodeProcess.StartAsync(config, id);
        _nodes.Add(node);
        _ids.Add(id);
        await File.AppendAllTextAsync(Path.Combine(_directory, "nodes.pid"), node.Process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    private static string Address(int port) => $"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
