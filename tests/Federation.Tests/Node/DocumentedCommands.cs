using System.Text;
using System.Text.RegularExpressions;

namespace Federation.Tests.Node;

/// <summary>Where a documented command runs: the demo tree (its ministry on 7200) or the README's loopback city (7101).</summary>
public enum CommandContext
{
    Demo,
    LoopbackCity,
}

/// <summary>One line of a documented shell session: where it is written, its text, and the exit code the docs promise.</summary>
public sealed record CommandStep(string Source, string Text, int ExpectedExit, bool IsTool);

/// <summary>A documented piece of shell, run as a reader would type it, in one context.</summary>
public sealed record CommandBlock(string Source, CommandContext Context, IReadOnlyList<CommandStep> Steps);

/// <summary>
/// Finds the commands the documentation and the demo print (issue 22): every <c>```sh</c> block of
/// README.md and docs/*.md that holds a <c>buf curl</c>, <c>fedctl</c> or <c>grpcurl</c> command
/// (the whole block runs, so that its <c>export</c>s and set-up lines run too), every inline
/// <c>`grpcurl …`</c> or <c>`buf curl …`</c> in the prose, and the demo's "Try it" lines. A
/// synopsis (<c>[--option]</c>, <c>…</c>) belongs in a <c>```text</c> block, which is not run.
/// </summary>
public static partial class DocumentedCommands
{
    private static readonly string[] Tools = ["buf", "fedctl", "grpcurl"];

    /// <summary>The markdown files whose commands are run: README.md, then docs/*.md in name order.</summary>
    public static IEnumerable<string> MarkdownFiles(string root) =>
        new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));

    public static IEnumerable<CommandBlock> FromMarkdown(string root, string file)
    {
        var name = Path.GetRelativePath(root, file);
        var lines = File.ReadAllLines(file);
        var prose = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                prose.Append(lines[i]).Append(' ');
                continue;
            }
            var language = fence[3..].Trim();
            var start = i + 1;
            var body = new List<(int Line, string Text)>();
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add((i + 1, lines[i]));
            }
            if (language == "sh" && Block($"{name}:{start}", name, body) is { } block)
            {
                yield return block;
            }
        }
        // Inline commands in the prose (they may run over a line break).
        foreach (Match inline in InlineCommand().Matches(prose.ToString()))
        {
            var text = Regex.Replace(inline.Groups[1].Value, @"\s+", " ");
            var line = Array.FindIndex(lines, l => l.Contains(text.Split(' ')[0] + " " + text.Split(' ')[1], StringComparison.Ordinal)) + 1;
            yield return new CommandBlock($"{name} (inline) {text}", ContextOf(text), [new CommandStep($"{name}:{line}", text, 0, true)]);
        }
    }

    /// <summary>The demo's "Try it" lines, from its output.</summary>
    public static CommandBlock FromDemoOutput(string output)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith("Try it", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidOperationException("The demo printed no \"Try it\" section:\n" + output);
        }
        var body = lines.Skip(start + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select((l, n) => (start + 2 + n, l)).ToList();
        return Block("the demo's output", "demo output", body) ?? throw new InvalidOperationException("The demo's \"Try it\" section holds no command:\n" + output);
    }

    private static CommandBlock? Block(string source, string name, List<(int Line, string Text)> body)
    {
        var steps = new List<CommandStep>();
        string? comment = null;
        for (var i = 0; i < body.Count; i++)
        {
            var (line, text) = body[i];
            var trimmed = text.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }
            if (trimmed.StartsWith('#'))
            {
                comment = trimmed;
                continue;
            }
            // A command continued over lines with a trailing backslash.
            while (trimmed.EndsWith('\\') && i + 1 < body.Count)
            {
                trimmed = trimmed[..^1].TrimEnd() + " " + body[++i].Text.Trim();
            }
            var trailing = TrailingComment().Match(trimmed);
            var expected = ExpectedExit().Match(trailing.Success ? trailing.Value : comment ?? "") is { Success: true } exit
                ? int.Parse(exit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
                : 0;
            steps.Add(new CommandStep($"{name}:{line}", trimmed, expected, IsTool(trimmed)));
            comment = null;
        }
        return steps.Any(s => s.IsTool) ? new CommandBlock(source, ContextOf(string.Join('\n', steps.Select(s => s.Text))), steps) : null;
    }

    private static bool IsTool(string command) =>
        Tools.Contains(command.Split(' ')[0]) || command.StartsWith("dotnet run --project src/Fedctl", StringComparison.Ordinal);

    private static CommandContext ContextOf(string text) =>
        text.Contains("127.0.0.1:7101", StringComparison.Ordinal) || text.Contains("config/city.json", StringComparison.Ordinal)
            ? CommandContext.LoopbackCity
            : CommandContext.Demo;

    /// <summary>Every <c>&lt;placeholder&gt;</c> of a command (the test fills each in, or fails naming it).</summary>
    public static IEnumerable<string> Placeholders(string command) => Placeholder().Matches(command).Select(m => m.Value);

    [GeneratedRegex(@"`((?:grpcurl|buf curl) [^`]+)`")]
    private static partial Regex InlineCommand();

    [GeneratedRegex(@"\s#\s.*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex(@"\bexit (\d)\b")]
    private static partial Regex ExpectedExit();

    [GeneratedRegex(@"<[^<>\n]+>")]
    private static partial Regex Placeholder();
}
