using Federation.Testing;

namespace Federation.Tests.Fedctl;

/// <summary>fedctl run as a process, as an operator or a script runs it.</summary>
internal static class FedctlProcess
{
    public static string Dll => RepoPaths.ProjectOutput("src/Fedctl", "fedctl.dll");

    /// <summary>Runs fedctl with the arguments against <paramref name="node"/>, as the harness's tester; returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(NodeProcess node, params string[] arguments) => RunAsAsync(node, TestPki.Tester, arguments);

    /// <summary>As <see cref="RunAsync"/>, signed in as <paramref name="account"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsAsync(NodeProcess node, string account, params string[] arguments)
    {
        await using var process = ExternalProcess.Start("dotnet", [Dll, .. arguments, .. node.FedctlArgs(account)]);
        var exitCode = await process.WaitForExitAsync();
        return (exitCode, process.Output);
    }
}
