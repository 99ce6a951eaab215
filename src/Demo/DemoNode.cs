using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Federation.Demo;

/// <summary>
/// One demo node as its own process — the node daemon (Federation.Node, built beside the demo),
/// run with the node's config. Its console
/// output is kept (the last lines) to explain a failed start; its logs go to its log directory.
/// </summary>
internal sealed class DemoNode : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private DemoNode(string id, Process process)
    {
        Id = id;
        _process = process;
    }

    public string Id { get; }

    public static DemoNode Start(string id, string configPath, string readyFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        File.Delete(readyFile);
        // The node's build output is copied beside the demo's (project reference).
        var node = Path.Combine(AppContext.BaseDirectory, "Federation.Node.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(node);
        // Settings that differ from the tree's config files (the node reads FEDERATION_* overrides).
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        foreach (var argument in new[] { "--config", configPath, "--ready-file", readyFile, "--exit-with", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start node {id}.");
        var demoNode = new DemoNode(id, process);
        process.OutputDataReceived += (_, e) => demoNode.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => demoNode.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return demoNode;
    }

    /// <summary>Waits for the node's ready file; fails with the node's last output if it exits or takes too long.</summary>
    public async Task<string> WaitReadyAsync(string readyFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(readyFile))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new DemoException($"Node {Id} did not start{(_process.HasExited ? $" (exit code {_process.ExitCode})" : $" within {timeout.TotalSeconds:0} s")}. Its last output:{Environment.NewLine}{Tail()}");
            }
            await Task.Delay(100, cancellationToken);
        }
        await Task.Delay(50, cancellationToken); // the file is written in one go; let it land
        using var ready = JsonDocument.Parse(await File.ReadAllTextAsync(readyFile, cancellationToken));
        return ready.RootElement.GetProperty("addresses")[0].GetString()!;
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail.Select(l => "    " + l));
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 20)
            {
                _tail.Dequeue();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}

/// <summary>The demo cannot go on; the message says why and what to do.</summary>
internal sealed class DemoException(string message) : Exception(message);
