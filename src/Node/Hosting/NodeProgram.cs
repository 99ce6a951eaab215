using System.CommandLine;

namespace Federation.Node.Hosting;

/// <summary>
/// The node's command line. Without a command it runs the daemon; the commands work on the
/// node's store. Exit codes: 0 done, 1 refused or failed at run time, 2 bad configuration or usage.
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
            await WithConfigAsync(parse.GetValue(configOption), config => RunNodeAsync(config, parse.GetValue(readyFileOption), parse.GetValue(parentOption), cancellationToken)));

        var pathsArgument = new Argument<string[]>("paths") { Description = "Export files (persons.csv, employment.jsonl, …) or directories holding them.", Arity = ArgumentArity.OneOrMore };
        var sealOption = new Option<string?>("--seal") { Description = "After importing, seal the period as of this date (YYYY-MM-DD)." };
        var rejectsOption = new Option<FileInfo?>("--rejects") { Description = "Where to write the rejects report (default: Ingest:RejectsDirectory/rejects-<time>.csv)." };
        var encodingOption = new Option<string>("--encoding")
        {
            Description = "The CSV files' character encoding: utf-8 (default) or gb18030 (also GBK, GB 2312). Never guessed: a file not valid in it is refused. JSON Lines is always UTF-8.",
            DefaultValueFactory = _ => "utf-8",
        };
        var ingest = new Command("ingest", "Import production-system exports into the node's staged data; bad rows go to a rejects report.")
        {
            pathsArgument, sealOption, rejectsOption, encodingOption,
        };
        ingest.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryGetPeriod(parse, sealOption, out var seal))
            {
                return 2;
            }
            return await WithConfigAsync(parse.GetValue(configOption), config =>
                StoreCommands.IngestAsync(config, parse.GetRequiredValue(pathsArgument), seal, parse.GetValue(rejectsOption)?.FullName, parse.GetValue(encodingOption), cancellationToken));
        });

        var asOfOption = new Option<string?>("--as-of") { Description = "The period's as-of date, YYYY-MM-DD (e.g. 2026-10-31 or 2026-11-15).", Required = true };
        var seal = new Command("seal", "Seal the staged data as the period snapshot as of a date (immutable afterwards).") { asOfOption };
        seal.SetAction(async (parse, _) =>
        {
            if (!TryGetPeriod(parse, asOfOption, out var asOf))
            {
                return 2;
            }
            return await WithConfigAsync(parse.GetValue(configOption), config => Task.FromResult(StoreCommands.Seal(config, asOf!.Value)));
        });

        var verifyPeriodsOption = new Option<bool>("--verify") { Description = "Recompute every period's digest from its records and compare it with the manifest (exit 1 on a mismatch)." };
        var exportPeriodsOption = new Option<string?>("--export") { Description = "Write every signed period manifest this node holds (its own and, at a parent, those from below) to this file, for fedctl periods verify." };
        var periods = new Command("periods", "List the sealed periods with their record counts, digests and signatures.") { verifyPeriodsOption, exportPeriodsOption };
        periods.SetAction((parse, _) => WithConfigAsync(parse.GetValue(configOption), config => Task.FromResult(StoreCommands.Periods(config, parse.GetValue(verifyPeriodsOption), parse.GetValue(exportPeriodsOption)))));

        var monthOption = new Option<string>("--month") { Description = "Survey month, YYYY-MM.", Required = true };
        var summaryPeriodOption = new Option<string?>("--period") { Description = "The sealed period to read, YYYY-MM-DD (default: the latest)." };
        var enterprises = new Command("enterprises", "Print enterprise monitoring's summary of a survey month from a sealed period, as JSON (what GetEnterpriseSummary answers).")
        {
            monthOption, summaryPeriodOption,
        };
        enterprises.SetAction(async (parse, _) =>
        {
            if (!TryGetPeriod(parse, summaryPeriodOption, out var period))
            {
                return 2;
            }
            return await WithConfigAsync(parse.GetValue(configOption), config => Task.FromResult(StoreCommands.Enterprises(config, parse.GetValue(monthOption)!, period)));
        });

        var childIdOption = new Option<string>("--child") { Description = "The child's node id.", Required = true };
        var resetFeed = new Command("reset-feed", "After a child's registration journal was replaced (lost, or restored from a backup): forget this parent's position in its feed and the epoch it counted in, so the child's new feed is received from its start (docs/registration.md, \"Restoring\"). Run with the daemon stopped.")
        {
            childIdOption,
        };
        resetFeed.SetAction((parse, _) => WithConfigAsync(parse.GetValue(configOption), config =>
        {
            var child = parse.GetValue(childIdOption)!;
            if (config.Node.Children.All(c => c.Id != child))
            {
                Console.Error.WriteLine($"{child} is not a child of {config.Node.Id}: its children are {string.Join(", ", config.Node.Children.Select(c => c.Id))}.");
                return Task.FromResult(2);
            }
            using var journal = Registration.RegistrationJournals.Open(config, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var before = journal.ChildCursor(child);
            journal.ResetChildCursor(child);
            Console.WriteLine($"Forgot {config.Node.Id}'s position {before.Seq} in {child}'s feed (epoch {(before.Epoch.Length == 0 ? "none" : before.Epoch)}): the next connection receives its feed from the start; changes already here are not applied twice.");
            return Task.FromResult(0);
        }));
        var registration = new Command("registration", "The registration service's journal (docs/registration.md).") { resetFeed };

        var fileArgument = new Argument<FileInfo>("file") { Description = "The backup file." };
        var backupFileArgument = new Argument<FileInfo?>("file") { Description = "A new file for an ad-hoc copy of the store.", Arity = ArgumentArity.ZeroOrOne };
        var monthlyOption = new Option<bool>("--monthly") { Description = "Write this month's fixed backup (store and security database, verified, with its report) into Backup:Directory now." };
        var backup = new Command("backup", "Write a consistent, verified copy of the node's store (R-5): to a file, or --monthly as the schedule does.") { backupFileArgument, monthlyOption };
        backup.SetAction(async (parse, _) =>
        {
            var file = parse.GetValue(backupFileArgument);
            var monthly = parse.GetValue(monthlyOption);
            if (file is null == !monthly)
            {
                await Console.Error.WriteLineAsync("Give either a file for an ad-hoc copy or --monthly, not both or neither.");
                return 2;
            }
            return await WithConfigAsync(parse.GetValue(configOption), config =>
                Task.FromResult(monthly ? StoreCommands.BackupMonthly(config) : StoreCommands.Backup(config, file!.FullName)));
        });
        var verifyOption = new Option<bool>("--verify") { Description = "The restore drill: restore a copy, check every period against its manifest, report; change nothing." };
        var restore = new Command("restore", "Replace the node's store with a backup after checking it whole (stop the node first); --verify only checks.") { fileArgument, verifyOption };
        restore.SetAction((parse, _) => WithConfigAsync(parse.GetValue(configOption), config =>
            Task.FromResult(StoreCommands.Restore(config, parse.GetRequiredValue(fileArgument).FullName, parse.GetValue(verifyOption)))));

        var configsArgument = new Argument<FileInfo[]>("configs") { Description = "The config files of every node of the tree.", Arity = ArgumentArity.OneOrMore };
        var checkTree = new Command("check-tree", "Check that the given node configs form one consistent tree (ids, levels, jurisdictions, addresses, no cycles).")
        {
            configsArgument,
        };
        checkTree.SetAction(parse =>
        {
            var errors = TreeCheck.Check([.. parse.GetRequiredValue(configsArgument).Select(f => f.FullName)], out var summary);
            if (errors.Count > 0)
            {
                Console.Error.WriteLine($"The tree is inconsistent ({summary}):");
                foreach (var error in errors)
                {
                    Console.Error.WriteLine("  - " + error.Replace(Environment.NewLine, Environment.NewLine + "    ", StringComparison.Ordinal));
                }
                return 2;
            }
            Console.WriteLine($"Tree OK: {summary}.");
            return 0;
        });
        var childOption = new Option<string?>("--child") { Description = "Pull only this child (its Node:Id); default: every child." };
        var periodOption = new Option<string?>("--period") { Description = "The period's as-of date, YYYY-MM-DD; default: each child's latest sealed period." };
        var pull = new Command("pull", "Pull the children's sealed period snapshots into this node (resumes an interrupted transfer; verifies the digest).")
        {
            childOption, periodOption,
        };
        pull.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryGetPeriod(parse, periodOption, out var period))
            {
                return 2;
            }
            return await WithConfigAsync(parse.GetValue(configOption), config => StoreCommands.PullAsync(config, parse.GetValue(childOption), period, cancellationToken));
        });
        root.Subcommands.Add(PkiCommand());
        root.Subcommands.Add(AccountsCommand(configOption));
        root.Subcommands.Add(AuditCommand(configOption));
        root.Subcommands.Add(pull);
        root.Subcommands.Add(checkTree);
        root.Subcommands.Add(ingest);
        root.Subcommands.Add(seal);
        root.Subcommands.Add(periods);
        root.Subcommands.Add(enterprises);
        root.Subcommands.Add(backup);
        root.Subcommands.Add(restore);
        root.Subcommands.Add(registration);
        return await root.Parse(args).InvokeAsync();
    }

    private static Command PkiCommand()
    {
        var dirOption = new Option<DirectoryInfo>("--dir") { Description = "The CA's directory (ca.pem, ca.key, crl.pem, revoked.tsv).", Required = true };
        var nameOption = new Option<string>("--name") { Description = "The CA's name.", DefaultValueFactory = _ => "Federation Deployment CA" };
        var yearsOption = new Option<int>("--years") { Description = "The CA's lifetime in years (default 10).", DefaultValueFactory = _ => 10 };
        var init = new Command("init", "Create the deployment's private CA and an empty revocation list.") { dirOption, nameOption, yearsOption };
        init.SetAction(parse => Security.SecurityCommands.InitAuthority(parse.GetRequiredValue(dirOption).FullName, parse.GetRequiredValue(nameOption), parse.GetValue(yearsOption)));

        var idOption = new Option<string>("--id") { Description = "The node id (Node:Id) or account id the certificate names.", Required = true };
        var divisionOption = new Option<string>("--division") { Description = "The node's GB/T 2260 division code (Node:DivisionCode).", Required = true };
        var hostOption = new Option<string[]>("--host") { Description = "A DNS name or IP address the node serves on (repeat; default localhost and 127.0.0.1).", AllowMultipleArgumentsPerToken = false };
        var daysOption = new Option<int>("--days") { Description = "Validity in days (default 825 for nodes, 365 for accounts).", DefaultValueFactory = _ => 0 };
        var outOption = new Option<string?>("--out") { Description = "Write <out>.pem and <out>.key (default: <dir>/<id>)." };
        var cryptoOption = new Option<string>("--crypto") { Description = "standard (default), or national: also an SM2 signing certificate <out>.sm2.pem/.sm2.key for Security:Crypto national.", DefaultValueFactory = _ => "standard" };
        cryptoOption.AcceptOnlyFromAmong("standard", "national");
        var node = new Command("node", "Issue a node's certificate (server and client authentication; names the node and its division).")
        {
            dirOption, idOption, divisionOption, hostOption, daysOption, outOption, cryptoOption,
        };
        node.SetAction(parse => Security.SecurityCommands.IssueNode(parse.GetRequiredValue(dirOption).FullName, parse.GetRequiredValue(idOption), parse.GetRequiredValue(divisionOption),
            parse.GetValue(hostOption) ?? [], parse.GetValue(daysOption) is > 0 and var d ? d : 825, parse.GetValue(outOption), parse.GetValue(cryptoOption) == "national"));
        var account = new Command("account", "Issue a personal account's client certificate (bind it with fedctl accounts create --certificate).")
        {
            dirOption, idOption, daysOption, outOption,
        };
        account.SetAction(parse => Security.SecurityCommands.IssueAccount(parse.GetRequiredValue(dirOption).FullName, parse.GetRequiredValue(idOption),
            parse.GetValue(daysOption) is > 0 and var d ? d : 365, parse.GetValue(outOption)));
        var certificateArgument = new Argument<FileInfo>("certificate") { Description = "The PEM certificate to revoke." };
        var revoke = new Command("revoke", "Revoke a certificate: add it to the CA's revocation list (crl.pem), which nodes re-read without restart.")
        {
            dirOption, certificateArgument,
        };
        revoke.SetAction(parse => Security.SecurityCommands.Revoke(parse.GetRequiredValue(dirOption).FullName, parse.GetRequiredValue(certificateArgument).FullName));
        return new Command("pki", "The deployment's private CA: create it, issue node and account certificates, revoke them (docs/security.md).")
        {
            init, node, account, revoke,
        };
    }

    private static Command AccountsCommand(Option<FileInfo> configOption)
    {
        var idOption = new Option<string>("--id") { Description = "The account id (its certificate names it).", Required = true };
        var nameOption = new Option<string>("--name") { Description = "The holder's name as staff records give it.", Required = true };
        var postOption = new Option<string>("--post") { Description = "The post the roles are granted for (R-19).", Required = true };
        var certificateOption = new Option<FileInfo?>("--certificate") { Description = "The account's PEM certificate (Federation.Node pki account) to bind it to." };
        var roleOption = new Option<string[]>("--role") { Description = "role[:scope], repeat: verifier, analyst, operator, auditor, administrator; scope defaults to the node's division.", Required = true };
        var tokenOption = new Option<bool>("--token") { Description = "Also issue an API token for the account and print it (once)." };
        var add = new Command("add", "Create an account directly in this node's security database — the first administrator, or recovery; otherwise use fedctl accounts.")
        {
            idOption, nameOption, postOption, certificateOption, roleOption, tokenOption,
        };
        add.SetAction((parse, _) => WithConfigAsync(parse.GetValue(configOption), config => Task.FromResult(Security.SecurityCommands.AddAccount(config,
            parse.GetRequiredValue(idOption), parse.GetRequiredValue(nameOption), parse.GetRequiredValue(postOption), parse.GetValue(certificateOption)?.FullName,
            parse.GetRequiredValue(roleOption), parse.GetValue(tokenOption)))));
        return new Command("accounts", "Bootstrap accounts on the node's own machine.") { add };
    }

    private static Command AuditCommand(Option<FileInfo> configOption)
    {
        var verify = new Command("verify", "Walk the audit log's hash chain: exit 0 when whole, 1 listing every edited, deleted, inserted or reordered entry.");
        verify.SetAction((parse, _) => WithConfigAsync(parse.GetValue(configOption), config => Task.FromResult(Security.SecurityCommands.VerifyAudit(config))));
        return new Command("audit", "The node's audit log.") { verify };
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

    // An optional period option (YYYY-MM-DD): false (after saying why) when it is malformed.
    private static bool TryGetPeriod(ParseResult parse, Option<string?> option, out Federation.Store.Period? date)
    {
        date = null;
        var text = parse.GetValue(option);
        if (text is null)
        {
            return true;
        }
        if (Federation.Store.Period.TryParse(text, out var value))
        {
            date = value;
            return true;
        }
        Console.Error.WriteLine($"{option.Name} must be a date YYYY-MM-DD, got '{text}'.");
        return false;
    }

    private static async Task<int> WithConfigAsync(FileInfo? configFile, Func<NodeConfiguration, Task<int>> action)
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
            ReliabilityLog.StoreRefused(app.Logger, ex.Message);
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
