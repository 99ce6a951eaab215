using System.Diagnostics;

namespace Federation.Testing;

/// <summary>
/// The third-party gRPC peers the interop tests run against. A missing peer fails the test with
/// the command that installs it; it is never skipped. <c>scripts/install-peers.sh</c> (run by the
/// README's test command) installs all of them.
/// </summary>
public static class Peers
{
    private const string InstallHint = "Install the test peers with: bash scripts/install-peers.sh";
    private static readonly Lazy<string> PythonChecked = new(CheckPython);

    /// <summary>Debian's python3 (the only one that can import Debian's python3-grpcio), checked to import grpc.</summary>
    public static string Python => PythonChecked.Value;

    /// <summary>The directory of the Python peer scripts.</summary>
    public static string PythonScripts => Path.Combine(RepoPaths.Root, "tests", "peers", "python");

    /// <summary>The npm peers' directory (node_modules with @grpc/grpc-js, @grpc/proto-loader, @bufbuild/buf).</summary>
    public static string NodePeers => Path.Combine(RepoPaths.Root, "tests", "peers", "node");

    /// <summary>The agency examples' directory (examples/python, examples/node, …).</summary>
    public static string Examples => Path.Combine(RepoPaths.Root, "examples");

    /// <summary>The <c>node</c> executable, with the Node example's packages installed under examples/node.</summary>
    public static string ExampleNode
    {
        get
        {
            var grpcJs = Path.Combine(Examples, "node", "node_modules", "@grpc", "grpc-js", "package.json");
            if (!File.Exists(grpcJs))
            {
                throw new PeerMissingException($"@grpc/grpc-js is not installed in {Path.Combine(Examples, "node")}. {InstallHint}");
            }
            return Which("node") ?? throw new PeerMissingException($"node is not on PATH. Install Node.js (apt-get install -y nodejs). {InstallHint}");
        }
    }

    /// <summary>The <c>buf</c> binary from npm's @bufbuild/buf.</summary>
    public static string Buf
    {
        get
        {
            var path = Path.Combine(NodePeers, "node_modules", ".bin", "buf");
            return File.Exists(path) ? path : throw new PeerMissingException($"buf (npm @bufbuild/buf) is not installed at {path}. {InstallHint}");
        }
    }

    /// <summary>The <c>node</c> executable, with @grpc/grpc-js installed for the peer scripts.</summary>
    public static string Node
    {
        get
        {
            var grpcJs = Path.Combine(NodePeers, "node_modules", "@grpc", "grpc-js", "package.json");
            if (!File.Exists(grpcJs))
            {
                throw new PeerMissingException($"@grpc/grpc-js is not installed in {NodePeers}. {InstallHint}");
            }
            return Which("node") ?? throw new PeerMissingException($"node is not on PATH. Install Node.js (apt-get install -y nodejs). {InstallHint}");
        }
    }

    /// <summary>Debian's Chromium, for rendering HTML headless (the quarterly report's test).</summary>
    public static string Chromium =>
        Which("chromium") ?? throw new PeerMissingException($"chromium is not on PATH (Debian package chromium). {InstallHint}");

    /// <summary>Debian's chromedriver (package chromium-driver), which drives <see cref="Chromium"/> for the browser tests.</summary>
    public static string ChromeDriver =>
        Which("chromedriver") ?? throw new PeerMissingException($"chromedriver is not on PATH (Debian package chromium-driver). {InstallHint}");

    /// <summary>npm's axe-core (the accessibility checker the browser tests inject into each page).</summary>
    public static string AxeScript
    {
        get
        {
            var path = Path.Combine(NodePeers, "node_modules", "axe-core", "axe.min.js");
            return File.Exists(path) ? path : throw new PeerMissingException($"axe-core (npm) is not installed at {path}. {InstallHint}");
        }
    }

    private static string CheckPython()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            throw new PeerMissingException($"{python} is missing. {InstallHint}");
        }
        using var process = Process.Start(new ProcessStartInfo(python, ["-c", "import grpc, google.protobuf"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new PeerMissingException($"Debian's python3-grpcio is not importable by {python}: {error.Trim()} {InstallHint}");
        }
        foreach (var tool in new[] { "protoc", "grpc_python_plugin" })
        {
            if (Which(tool) is null)
            {
                throw new PeerMissingException($"{tool} is not on PATH (needed to generate the Python stubs). {InstallHint}");
            }
        }
        return python;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A peer a test needs is not installed; the message says how to install it.</summary>
public sealed class PeerMissingException(string message) : Exception(message);
