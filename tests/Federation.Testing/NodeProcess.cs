using System.Text.Json;
using System.Text.Json.Nodes;

namespace Federation.Testing;

/// <summary>
/// A real node daemon (src/Node) as its own process, from a config written into a temp
/// directory, listening on a port the OS chose. The node reports its address in its ready file;
/// tests never probe for free ports.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly ExternalProcess _process;

    private NodeProcess(ExternalProcess process, string configPath, Uri address, Uri? metrics)
    {
        _process = process;
        ConfigPath = configPath;
        Address = address;
        Metrics = metrics;
    }

    public Uri Address { get; }

    /// <summary>The Prometheus scrape address, when the config sets Server:MetricsListen.</summary>
    public Uri? Metrics { get; }

    public string ConfigPath { get; }

    public string Output => _process.Output;

    public ExternalProcess Process => _process;

    public static string NodeDll => RepoPaths.ProjectOutput("src/Node", "Federation.Node.dll");

    /// <summary>Writes a config for the node and starts it; <paramref name="extra"/> is merged into the config's root object.</summary>
    public static async Task<NodeProcess> StartAsync(string directory, string id, string level, string divisionCode, JsonObject? extra = null)
    {
        var configPath = await WriteConfigAsync(directory, id, level, divisionCode, extra);
        return await StartAsync(configPath, id);
    }

    /// <summary>Writes a node config (listening on a free loopback port) and returns its path.</summary>
    public static async Task<string> WriteConfigAsync(string directory, string id, string level, string divisionCode, JsonObject? extra = null)
    {
        var config = new JsonObject
        {
            ["Node"] = new JsonObject { ["Id"] = id, ["Level"] = level, ["DivisionCode"] = divisionCode },
            ["Server"] = new JsonObject { ["Listen"] = "http://127.0.0.1:0" },
            ["Log"] = new JsonObject { ["Directory"] = "logs", ["MinimumLevel"] = "Debug" },
        };
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                config[key] = value?.DeepClone();
            }
        }
        var configPath = Path.Combine(directory, $"{id}.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return configPath;
    }

    /// <summary>Starts a node from an existing config; waits until it listens.</summary>
    public static async Task<NodeProcess> StartAsync(string configPath, string id)
    {
        var readyFile = Path.Combine(Path.GetDirectoryName(configPath)!, $"{id}.ready.json");
        File.Delete(readyFile);
        var process = ExternalProcess.Start("dotnet", [NodeDll, "--config", configPath, "--ready-file", readyFile]);
        await process.WaitForLineAsync($@"Node {System.Text.RegularExpressions.Regex.Escape(id)} \(.*\) version .* listening on");
        using var ready = JsonDocument.Parse(await File.ReadAllTextAsync(readyFile));
        var address = ready.RootElement.GetProperty("addresses")[0].GetString()!;
        var metrics = ready.RootElement.GetProperty("metrics").EnumerateArray().Select(m => new Uri(m.GetString()!)).FirstOrDefault();
        return new NodeProcess(process, configPath, new Uri(address), metrics);
    }

    /// <summary>
    /// Starts the node again from its config on the address it had (so its parent still finds
    /// it); the process must have exited.
    /// </summary>
    public async Task<NodeProcess> RestartAsync(string id)
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!.AsObject();
        config["Server"]!["Listen"] = Address.ToString().TrimEnd('/');
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return await StartAsync(ConfigPath, id);
    }

    /// <summary>Sends a signal (TERM, STOP, CONT, …) to the node's process.</summary>
    public void Signal(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with exit code {kill.ExitCode}");
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
