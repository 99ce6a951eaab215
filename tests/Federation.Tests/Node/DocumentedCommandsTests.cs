using System.Globalization;
using System.Text;
using System.Text.Json;
using Federation.DataGen;
using Federation.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Tests.Node;

/// <summary>
/// Issue 22: every <c>buf curl</c>, <c>fedctl</c> and <c>grpcurl</c> command that README.md,
/// docs/*.md and the demo print runs, as printed, against a demo tree (and the README's loopback
/// city), and exits as the docs say (0 unless a comment says "exit N"). The commands are read from
/// the files, so a new one is covered the day it is written. What the test supplies, and nothing
/// more: the values of <c>&lt;placeholders&gt;</c> (a certificate number and its holder from the
/// demo's exports, the token the previous command printed); <c>dotnet run --project src/X --</c>
/// and <c>fedctl</c> run the programs the solution built (what <c>dotnet run</c> would build and
/// start); <c>grpcurl</c>, which has no package here, runs as the same call in buf curl
/// (tests/peers/shell/grpcurl-via-buf.sh); the README's city on 127.0.0.1:7101 listens on a port
/// the OS chose, written into its commands, and its <c>/tmp/export</c> is a generated export.
/// The blocks of all files run in one shell per context, in order (README first), as a reader
/// follows them in one terminal.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class DocumentedCommandsTests(ITestOutputHelper output)
{
    private static string DemoDll => RepoPaths.ProjectOutput("src/Demo", "Federation.Demo.dll");

    [Fact]
    public async Task EveryDocumentedCommand_RunsAsPrinted_AgainstTheDemoTree()
    {
        // Arrange: the demo serving in a directory of its own, and the README's loopback city.
        _ = Peers.Buf;
        using var directory = new TempDirectory();
        var tree = Directory.CreateDirectory(Path.Combine(directory.Path, "config", "demo-tree")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", "demo-tree"), "*.json"))
        {
            File.Copy(file, Path.Combine(tree, Path.GetFileName(file)));
        }
        File.Copy(Path.Combine(RepoPaths.Root, "config", "city.json"), Path.Combine(directory.Path, "config", "city.json"));
        await using var demo = ExternalProcess.Start("dotnet", [DemoDll, "--tree", tree, "--persons", "200"], workingDirectory: directory.Path);
        await demo.WaitForLineAsync("^Serving until Ctrl-C", TimeSpan.FromMinutes(6));

        var export = Path.Combine(directory.Path, "export");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 300, Seed = 7, AsOf = new DateOnly(2026, 10, 31) }, export);
        var readyFile = Path.Combine(directory.Path, "city.ready.json");
        await using var city = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", Path.Combine(directory.Path, "config", "city.json"), "--ready-file", readyFile],
            workingDirectory: directory.Path,
            environment: new Dictionary<string, string> { ["FEDERATION_Server__Listen"] = "http://127.0.0.1:0", ["FEDERATION_Server__MetricsListen"] = "http://127.0.0.1:0" });
        await city.WaitForLineAsync(@"Node city-440100 \(.*\) version .* listening on");
        using var ready = JsonDocument.Parse(await File.ReadAllTextAsync(readyFile));
        var cityAddress = new Uri(ready.RootElement.GetProperty("addresses")[0].GetString()!).Authority;

        var exports = Path.Combine(directory.Path, "data", "demo", "run", "exports");
        var (guangzhou, holder) = OpenCertificate(Path.Combine(exports, "city-440100"));
        var (shenzhen, _) = OpenCertificate(Path.Combine(exports, "city-440300"));
        var placeholders = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["<number>"] = guangzhou, ["<certificate number>"] = guangzhou, ["<a 4401… number>"] = guangzhou, ["<name>"] = holder,
            ["<a 4403… number>"] = shenzhen,
            ["<the token it printed>"] = "$(sed -n 's/^API token.*: //p' \"$__last\")",
        };

        var blocks = DocumentedCommands.MarkdownFiles(RepoPaths.Root).SelectMany(file => DocumentedCommands.FromMarkdown(RepoPaths.Root, file))
            .Append(DocumentedCommands.FromDemoOutput(demo.Output)).ToList();
        var unknown = blocks.SelectMany(b => b.Steps).SelectMany(s => DocumentedCommands.Placeholders(s.Text).Where(p => !placeholders.ContainsKey(p)).Select(p => $"{s.Source}: {p}")).ToList();
        Assert.True(unknown.Count == 0, "Placeholders the test cannot fill in (give the test a value, or write the command runnable):\n" + string.Join('\n', unknown));

        // Act: one shell per context, every block in order.
        var failures = new List<string>();
        var ran = new List<CommandStep>();
        foreach (var context in new[] { CommandContext.Demo, CommandContext.LoopbackCity })
        {
            var steps = blocks.Where(b => b.Context == context).SelectMany(b => b.Steps).ToList();
            var results = await RunAsync(directory.Path, steps, text =>
            {
                foreach (var (placeholder, value) in placeholders)
                {
                    text = text.Replace(placeholder, value, StringComparison.Ordinal);
                }
                return context == CommandContext.LoopbackCity
                    ? text.Replace("127.0.0.1:7101", cityAddress, StringComparison.Ordinal).Replace("/tmp/export", export, StringComparison.Ordinal)
                    : text;
            });
            foreach (var (step, exit, stepOutput) in results)
            {
                output.WriteLine($"[{step.Source}] exit {exit}: {step.Text}");
                ran.Add(step);
                if (exit != step.ExpectedExit)
                {
                    failures.Add($"{step.Source}: `{step.Text}` exited {exit}, the docs promise {step.ExpectedExit}:\n{stepOutput}");
                }
            }
        }

        // Assert: every step exited as documented; and the extraction found what we know is there.
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        var tools = ran.Where(s => s.IsTool).ToList();
        Assert.Contains(tools, s => s.Source.StartsWith("README.md", StringComparison.Ordinal) && s.Text.StartsWith("buf curl", StringComparison.Ordinal));
        Assert.Contains(tools, s => s.Source.StartsWith("README.md", StringComparison.Ordinal) && s.Text.StartsWith("grpcurl", StringComparison.Ordinal));
        Assert.Contains(tools, s => s.Source.StartsWith("docs/", StringComparison.Ordinal) && s.Text.StartsWith("fedctl", StringComparison.Ordinal));
        Assert.Contains(tools, s => s.Source.StartsWith("demo output", StringComparison.Ordinal) && s.Text.StartsWith("buf curl", StringComparison.Ordinal));
        Assert.True(tools.Count >= 25, $"only {tools.Count} documented commands found");
    }

    private static (string Number, string Holder) OpenCertificate(string export)
    {
        var certificate = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"].Length == 0 && c["valid"] == "1");
        var holder = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == certificate["citizen_id"])["name"];
        return (certificate["certificate_number"], holder);
    }

    // The steps as one bash script: each step's output and exit code into files of its own.
    private static async Task<List<(CommandStep Step, int Exit, string Output)>> RunAsync(string workingDirectory, List<CommandStep> steps, Func<string, string> fill)
    {
        var run = Directory.CreateDirectory(Path.Combine(workingDirectory, "steps-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var script = new StringBuilder();
        script.AppendLine("shopt -s expand_aliases");
        script.AppendLine($"export PATH={Quote(Path.GetDirectoryName(Peers.Buf)!)}:\"$PATH\"");
        script.AppendLine($"source {Quote(Path.Combine(RepoPaths.Root, "tests", "peers", "shell", "grpcurl-via-buf.sh"))}");
        // dotnet run --project src/X -- … runs the program the solution built; anything else is dotnet itself.
        script.AppendLine("dotnet() {");
        script.AppendLine("  if [ \"$1\" = run ] && [ \"$2\" = --project ] && [ \"$4\" = -- ]; then");
        script.AppendLine("    local project=\"${3%/}\"; shift 4");
        script.AppendLine("    case \"$project\" in");
        script.AppendLine($"      src/Node) command dotnet {Quote(NodeProcess.NodeDll)} \"$@\" ;;");
        script.AppendLine($"      src/Fedctl) command dotnet {Quote(RepoPaths.ProjectOutput("src/Fedctl", "fedctl.dll"))} \"$@\" ;;");
        script.AppendLine($"      src/DataGen) command dotnet {Quote(RepoPaths.ProjectOutput("src/DataGen", "Federation.DataGen.dll"))} \"$@\" ;;");
        script.AppendLine("      *) echo \"no built program for $project\" >&2; return 2 ;;");
        script.AppendLine("    esac");
        // A path the docs give from the repository's root (src/Fedctl/bin/…) is the repository's.
        script.AppendLine("  else");
        script.AppendLine($"    if [ $# -gt 0 ] && [ ! -e \"$1\" ] && [ -e {Quote(RepoPaths.Root)}/\"$1\" ]; then set -- {Quote(RepoPaths.Root)}/\"$1\" \"${{@:2}}\"; fi");
        script.AppendLine("    command dotnet \"$@\"");
        script.AppendLine("  fi");
        script.AppendLine("}");
        script.AppendLine($"fedctl() {{ command dotnet {Quote(RepoPaths.ProjectOutput("src/Fedctl", "fedctl.dll"))} \"$@\"; }}");
        script.AppendLine("unset FEDCTL_NODE FEDCTL_CA FEDCTL_CERT FEDCTL_KEY FEDCTL_TOKEN");
        script.AppendLine($"__last={Quote(Path.Combine(run, "last.out"))}; : > \"$__last\"");
        for (var i = 0; i < steps.Count; i++)
        {
            script.AppendLine("{ " + fill(steps[i].Text));
            script.AppendLine($"}} > {Quote(Path.Combine(run, i + ".out"))} 2>&1 < /dev/null");
            script.AppendLine($"echo $? > {Quote(Path.Combine(run, i + ".rc"))}");
            script.AppendLine($"cp {Quote(Path.Combine(run, i + ".out"))} \"$__last\"");
        }
        var path = Path.Combine(run, "run.sh");
        await File.WriteAllTextAsync(path, script.ToString());
        await using var bash = ExternalProcess.Start("bash", [path], workingDirectory: workingDirectory);
        var exit = await bash.WaitForExitAsync(TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, $"the script {path} itself failed (exit {exit}):\n{bash.Output}");
        return [.. steps.Select((step, i) => (step,
            File.Exists(Path.Combine(run, i + ".rc")) ? int.Parse(File.ReadAllText(Path.Combine(run, i + ".rc")).Trim(), CultureInfo.InvariantCulture) : -1,
            File.Exists(Path.Combine(run, i + ".out")) ? File.ReadAllText(Path.Combine(run, i + ".out")) : ""))];
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
