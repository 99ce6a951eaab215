using System.CommandLine;
using Federation.Node.Host;

namespace Federation.Node.Commands;

/// <summary>
/// The node's command line. Without a command it runs the daemon; the commands (one file per
/// verb group in this folder) work on the node's store, its CA, accounts and audit log.
/// Exit codes: 0 done, 1 refused or failed at run time, 2 bad configuration or usage.
/// </summary>
internal static class NodeProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        Security.FileModes.RestrictNewFiles();
        var configOption = new Option<FileInfo>("--config", "-c")
        {
            Description = "The node's JSON config file (see config/*.json).",
            Recursive = true,
        };
        var readyFileOption = new Option<FileInfo?>("--ready-file")
        {
            Description = "Write {nodeId, addresses, pid} as JSON to this file once the node is listening (for scripts and tests).",
        };
        var parentOption = new Option<int?>("--exit-with")
        {
            Description = "Stop when the process with this id exits (the demo starts its nodes with it, so none outlives the demo).",
            Hidden = true,
        };
        var root = new RootCommand("Federation node daemon: one program for city, province and ministry nodes.")
        {
            configOption,
            readyFileOption,
            parentOption,
        };
        root.SetAction(async (parse, cancellationToken) =>
            await CommandRunner.WithConfigAsync(parse.GetValue(configOption), config => RunNodeAsync(config, parse.GetValue(readyFileOption), parse.GetValue(parentOption), cancellationToken)));

        // Each verb group in a file of its own, listed in the order --help shows them.
        root.Subcommands.Add(PkiCommands.Create());
        root.Subcommands.Add(AccountsCommands.Create(configOption));
        root.Subcommands.Add(AuditCommands.Create(configOption));
        root.Subcommands.Add(PullCommands.Create(configOption));
        root.Subcommands.Add(TreeCommands.Create());
        root.Subcommands.Add(StoreCommands.IngestCommand(configOption));
        root.Subcommands.Add(StoreCommands.SealCommand(configOption));
        root.Subcommands.Add(StoreCommands.PeriodsCommand(configOption));
        root.Subcommands.Add(StoreCommands.EnterprisesCommand(configOption));
        root.Subcommands.Add(BackupCommands.BackupCommand(configOption));
        root.Subcommands.Add(BackupCommands.RestoreCommand(configOption));
        root.Subcommands.Add(RegistrationCommands.Create(configOption));
        return await root.Parse(args).InvokeAsync();
    }

    // Polls (a process that is not our parent cannot be awaited portably): the node stops within a
    // second of the demo's end, however the demo ended.
    private static async Task WatchParentAsync(int parentId, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var parent = System.Diagnostics.Process.GetProcessById(parentId);
                if (parent.HasExited)
                {
                    break;
                }
            }
            catch (ArgumentException)
            {
                break; // gone
            }
            await Task.Delay(1000, CancellationToken.None);
        }
        await stop.CancelAsync();
    }

    private static async Task<int> RunNodeAsync(NodeConfiguration config, FileInfo? readyFile, int? exitWith, CancellationToken cancellationToken)
    {
        await using var app = NodeHost.Build(config, readyFile?.FullName);
        try
        {
            // The SQLite store is opened — and checked: a damaged one is refused — before the node listens.
            if (!config.Store.IsPostgres)
            {
                _ = app.Services.GetRequiredService<Federation.Store.ISealedPeriods>();
            }
        }
        catch (Federation.Store.StoreException ex)
        {
            Errors.FaultLog.StoreRefused(app.Logger, ex.Message);
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (exitWith is { } parentId)
        {
            _ = WatchParentAsync(parentId, stop);
        }
        try
        {
            await app.RunAsync(stop.Token);
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"Cannot listen on {config.Server.Listen} (Server:Listen): {ex.Message}");
            return 2;
        }
    }
}
