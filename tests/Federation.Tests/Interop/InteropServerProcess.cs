using Federation.Testing;

namespace Federation.Tests.Interop;

/// <summary>Our interop server (tests/Federation.InteropServer) running as its own process on a free loopback port.</summary>
public sealed class InteropServerProcess : IAsyncDisposable
{
    private readonly ExternalProcess _process;

    private InteropServerProcess(ExternalProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output => _process.Output;

    public static async Task<InteropServerProcess> StartAsync(params string[] extraFlags)
    {
        var dll = RepoPaths.ProjectOutput("tests/Federation.InteropServer", "Federation.InteropServer.dll");
        var process = ExternalProcess.Start("dotnet", [dll, "--port=0", .. extraFlags]);
        var match = await process.WaitForLineAsync(@"Server listening on https?://127\.0\.0\.1:(\d+)");
        return new InteropServerProcess(process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
