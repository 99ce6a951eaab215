using System.CommandLine;

namespace Federation.Node.Hosting;

/// <summary>The node's command line. Exit codes: 0 stopped normally, 1 failed at run time, 2 bad configuration or usage.</summary>
internal static class NodeProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configOption = new Option<FileInfo>("--config", "-c")
        {
            Description = "The node's JSON config file (see config/*.json).",
            Required = true,
        };
        var readyFileOption = new Option<FileInfo?>("--ready-file")
        {
            Description = "Write {nodeId, addresses, pid} as JSON to this file once the node is listening (for scripts and tests).",
        };
        var root = new RootCommand("Federation node daemon: one program for city, province and ministry nodes.")
        {
            configOption,
            readyFileOption,
        };
        root.SetAction(async (parse, cancellationToken) =>
            await RunNodeAsync(parse.GetRequiredValue(configOption), parse.GetValue(readyFileOption), cancellationToken));
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> RunNodeAsync(FileInfo configFile, FileInfo? readyFile, CancellationToken cancellationToken)
    {
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

        await using var app = NodeHost.Build(config, readyFile?.FullName);
        try
        {
            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"Cannot listen on {config.Server.Listen} (Server:Listen): {ex.Message}");
            return 2;
        }
    }
}
