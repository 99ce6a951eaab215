using System.Text.RegularExpressions;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Fedctl;

/// <summary>
/// docs/client.md's recipe for a machine without the sources: <c>dotnet pack src/Fedctl -c Release
/// -o artifacts</c>, then <c>dotnet tool install --add-source artifacts Federation.Fedctl</c> — run as
/// written, except into a tool path of its own rather than <c>--global</c> (the test must not change
/// the machine's tools). Offline: the local package is the only source it needs.
/// </summary>
/// <remarks>It runs alone: <c>dotnet pack</c> rebuilds src/Fedctl's Release output, which other tests run fedctl from.</remarks>
[Collection(RunsAlone.Name)]
public sealed class FedctlToolPackageTests
{
    [Fact]
    public async Task PackThenToolInstallFromTheLocalPackage_GivesAWorkingFedctl()
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "client.md"));
        Assert.Contains("dotnet pack src/Fedctl -c Release -o artifacts", docs, StringComparison.Ordinal);
        Assert.Contains("dotnet tool install --global --add-source artifacts Federation.Fedctl", docs, StringComparison.Ordinal);

        using var directory = new TempDirectory();
        var artifacts = Path.Combine(directory.Path, "artifacts");
        await using (var pack = ExternalProcess.Start("dotnet", ["pack", "src/Fedctl", "-c", "Release", "-o", artifacts, "--nologo"], RepoPaths.Root))
        {
            Assert.True(await pack.WaitForExitAsync(TimeSpan.FromMinutes(15)) == 0, pack.Output);
        }
        var package = Assert.Single(Directory.GetFiles(artifacts, "Federation.Fedctl.*.nupkg"));
        var version = Regex.Match(Path.GetFileName(package), "^Federation\\.Fedctl\\.(.+)\\.nupkg$").Groups[1].Value;

        var tools = Path.Combine(directory.Path, "tools");
        await using (var install = ExternalProcess.Start("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", artifacts, "Federation.Fedctl"], directory.Path))
        {
            Assert.True(await install.WaitForExitAsync(TimeSpan.FromMinutes(5)) == 0, install.Output);
            Assert.Contains($"(version '{version}') was successfully installed", install.Output, StringComparison.Ordinal);
        }
        await using var help = ExternalProcess.Start(Path.Combine(tools, "fedctl"), ["--help"], directory.Path);
        Assert.Equal(0, await help.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("fedctl — talk to a Federation node.", help.Output, StringComparison.Ordinal);
        Assert.Contains("report", help.Output, StringComparison.Ordinal);
    }
}
