using Federation.Testing;

namespace Federation.Tests.Fedctl;

/// <summary>fedctl run as a process, as an operator or a script runs it.</summary>
internal static class FedctlProcess
{
    public static string Dll => RepoPaths.ProjectOutput("src/Fedctl", "fedctl.dll");

    /// <summary>Runs fedctl with the arguments against <paramref name="node"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(Uri node, params string[] arguments)
    {
        await using var process = ExternalProcess.Start("dotnet", [Dll, .. arguments, "--node", node.ToString()]);
        var exitCode = await process.WaitForExitAsync();
        return (exitCode, process.Output);
    }
}
