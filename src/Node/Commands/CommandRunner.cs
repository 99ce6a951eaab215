using System.CommandLine;
using Federation.Store;

namespace Federation.Node.Commands;

/// <summary>
/// The plumbing every verb shares: read the node's config (exit 2, naming each problem, when it is
/// unusable), read an optional period option (exit 2, saying why, when it is malformed), then run
/// the verb and return its exit code. Exit codes: 0 done, 1 refused or failed at run time, 2 bad
/// configuration or usage.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="action"/> with the config named by <c>--config</c>.</summary>
    public static async Task<int> WithConfigAsync(FileInfo? configFile, Func<NodeConfiguration, Task<int>> action)
    {
        if (configFile is null)
        {
            await Console.Error.WriteLineAsync("--config <file> is required: the node's JSON config (see config/*.json).");
            return 2;
        }
        NodeConfiguration config;
        try
        {
            config = NodeConfiguration.Load(configFile.FullName);
        }
        catch (NodeConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
        return await action(config);
    }

    /// <summary>Runs a synchronous verb with the config named by <c>--config</c>.</summary>
    public static Task<int> WithConfig(ParseResult parse, Option<FileInfo> configOption, Func<NodeConfiguration, int> action) =>
        WithConfigAsync(parse.GetValue(configOption), config => Task.FromResult(action(config)));

    /// <summary>Runs <paramref name="action"/> with the config and the (optional) period of <paramref name="periodOption"/>, the period checked first.</summary>
    public static async Task<int> WithConfigAndPeriodAsync(ParseResult parse, Option<FileInfo> configOption, Option<string?> periodOption,
        Func<NodeConfiguration, Period?, Task<int>> action)
    {
        if (!TryGetPeriod(parse, periodOption, out var period))
        {
            return 2;
        }
        return await WithConfigAsync(parse.GetValue(configOption), config => action(config, period));
    }

    // An optional period option (YYYY-MM-DD): false (after saying why) when it is malformed.
    private static bool TryGetPeriod(ParseResult parse, Option<string?> option, out Period? date)
    {
        date = null;
        var text = parse.GetValue(option);
        if (text is null)
        {
            return true;
        }
        if (Period.TryParse(text, out var value))
        {
            date = value;
            return true;
        }
        Console.Error.WriteLine($"{option.Name} must be a date YYYY-MM-DD, got '{text}'.");
        return false;
    }
}
