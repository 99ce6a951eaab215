using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Federation.Client;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Federation.Tests.Exchange;
using Grpc.Health.V1;
using Xunit;

namespace Federation.Tests.Reliability;

/// <summary>
/// The crash campaign (issue 25, item 1; docs/reliability.md): a real tree — a city, its province
/// and the ministry, each its own node process — and <c>kill -9</c> (<see cref="Process.Kill()"/>)
/// at a random moment of one operation after another: an upload (import and seal), a seal, a pull
/// (the child killed, or the parent), the parent's merged seal, the ministry's resync, the monthly
/// backup, a restore, the registration feed (the city's journal, the province's relay, the
/// ministry's commit), the audit writer and account changes. After each kill the node is started
/// again and the invariants are checked: it restarts cleanly and serves; every sealed period is
/// still there with its records and digest, and recomputes to it (no partial period); an upload
/// that returned OK is all there, one that was killed is all there or absent; a resumed pull
/// commits the child's digest and the parent's merged period names it; no registration is lost or
/// applied twice (the city's count and the ministry's agree, cursors equal feed heads); the audit
/// chain verifies; no upload spool, <c>.partial</c> or <c>.restore</c> file is left once the
/// interrupted work was redone. The moments come from one seeded <see cref="Random"/> (the seed is
/// printed; the same seed draws the same phases and delays — the machine decides the rest).
/// </summary>
internal sealed partial class CrashCampaign : IAsyncDisposable
{
    public static readonly string[] Phases =
    [
        "import", "seal", "pull-child", "pull-parent", "merged-seal", "resync", "backup", "restore",
        "feed-city", "feed-province", "feed-ministry", "audit", "accounts",
    ];

    private const string City = "city-440100";
    private const string Province = "province-440000";
    private const string Ministry = "ministry";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly Random _random;
    private readonly Action<string> _log;
    private readonly TempDirectory _directory = new("federation-crash");
    private readonly Dictionary<string, NodeProcess> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, (long Records, string Digest)>> _sealed = new(StringComparer.Ordinal);
    private readonly string _export;
    private DateOnly _nextPeriod = new(2026, 11, 1);
    private long _exportRecords;
    private int _registrations;
    private int _accounts;

    private CrashCampaign(Random random, Action<string> log)
    {
        _random = random;
        _log = log;
        _export = Path.Combine(_directory.Path, "export-440100");
    }

    /// <summary>Kills per phase, invariant checks passed, and failures (phase, kill, what broke).</summary>
    public Dictionary<string, int> Kills { get; } = new(StringComparer.Ordinal);

    public int Checks { get; private set; }

    public List<string> Failures { get; } = [];

    /// <summary>Kills that landed while the operation was still running (the rest hit just after it ended).</summary>
    public int MidOperation { get; private set; }

    /// <summary>A fresh tree: the city with a sealed 2026-10-31 (generated export of <paramref name="persons"/>), the province and the ministry over it, the first pulls done.</summary>
    public static async Task<CrashCampaign> StartAsync(Random random, int persons, Action<string> log)
    {
        var campaign = new CrashCampaign(random, log);
        try
        {
            await campaign.SetUpAsync(persons);
            return campaign;
        }
        catch
        {
            await campaign.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(int persons)
    {
        var directory = _directory.Path;
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = persons, Seed = _random.Next(1, 1000), IdOffset = 7000 }, _export);
        var cityConfig = await NodeProcess.WriteConfigAsync(directory, City, "city", "440100", new JsonObject
        {
            // Pulls of the city take seconds, so a kill lands inside them on any machine.
            ["Exchange"] = new JsonObject { ["MaxSendKiBPerSecond"] = 256 },
        });
        await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", cityConfig, _export, "--seal", Tree.Period]))
        {
            Assert.Equal(0, await ingest.WaitForExitAsync(TimeSpan.FromMinutes(5)));
        }
        _nodes[City] = await NodeProcess.StartAsync(cityConfig, City);
        _nodes[Province] = await NodeProcess.StartAsync(directory, Province, "province", "440000", ParentConfig(City, "440100", _nodes[City].Address));
        _nodes[Ministry] = await NodeProcess.StartAsync(directory, Ministry, "ministry", "000000", ParentConfig(Province, "440000", _nodes[Province].Address));
        _sealed[City] = await PeriodsAsync(City);
        _exportRecords = _sealed[City][Tree.Period].Records;
        _sealed[Province] = [];
        _sealed[Ministry] = [];
        await ResyncUntilCommittedAsync(Province, City);
        await ResyncUntilCommittedAsync(Ministry, Province);
        using var national = Tree.Client(_nodes[Ministry]);
        await Poll.UntilAsync(async () => (await national.GetNodeStatusAsync()).Registration.Links.SingleOrDefault()?.ApplicationsConnected == true,
            Patience, "the ministry's registration streams to the province open");
        _log($"tree up in {directory}: {City} ({_exportRecords} records as of {Tree.Period}), {Province}, {Ministry}");
    }

    private static JsonObject ParentConfig(string childId, string childCode, Uri childAddress) => new()
    {
        ["Children"] = new JsonArray(new JsonObject { ["Id"] = childId, ["DivisionCode"] = childCode, ["Address"] = childAddress.ToString() }),
        ["Exchange"] = new JsonObject { ["Enabled"] = false, ["VerificationTimeout"] = "00:00:02", ["MaxSendKiBPerSecond"] = 256 },
    };

    /// <summary>One kill in <paramref name="phase"/>, the restart, and every invariant; a broken invariant is recorded as a failure (the campaign goes on with a fresh check).</summary>
    public async Task RunAsync(string phase, int kill)
    {
        Kills[phase] = Kills.GetValueOrDefault(phase) + 1;
        var clock = Stopwatch.StartNew();
        try
        {
            var mid = phase switch
            {
                "import" => await ImportAsync(),
                "seal" => await SealAsync(),
                "pull-child" => await PullAsync(killParent: false, mergedSeal: false),
                "pull-parent" => await PullAsync(killParent: true, mergedSeal: false),
                "merged-seal" => await PullAsync(killParent: true, mergedSeal: true),
                "resync" => await ResyncMinistryAsync(),
                "backup" => await BackupAsync(),
                "restore" => await RestoreAsync(),
                "feed-city" => await FeedAsync(City),
                "feed-province" => await FeedAsync(Province),
                "feed-ministry" => await FeedAsync(Ministry),
                "audit" => await AuditAsync(),
                "accounts" => await AccountsAsync(),
                _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "not a phase of the campaign"),
            };
            MidOperation += mid ? 1 : 0;
            foreach (var id in _nodes.Keys.ToList())
            {
                await CheckNodeAsync(id);
            }
            _log(string.Create(CultureInfo.InvariantCulture, $"kill {kill} {phase}: {(mid ? "mid-operation" : "just after the operation")}, invariants hold ({clock.Elapsed.TotalSeconds:F0} s)"));
        }
        catch (Exception ex) when (ex is Xunit.Sdk.XunitException or FederationException or TimeoutException or InvalidOperationException)
        {
            var failure = $"kill {kill} {phase}: {ex.GetType().Name}: {ex.Message}";
            Failures.Add(failure);
            _log("FAILURE " + failure);
            throw;
        }
    }

    // import: an upload of the export with a seal of the next period; the city killed at a random moment.
    private async Task<bool> ImportAsync()
    {
        var period = NextPeriod();
        using var client = Tree.Client(_nodes[City]);
        var upload = client.UploadAsync([_export], period);
        var (mid, outcome) = await KillDuringAsync(City, upload, 2500);
        await RestartAsync(City);
        var periods = await PeriodsAsync(City);
        if (outcome is { IsCompletedSuccessfully: true })
        {
            Assert.True(periods.ContainsKey(period), $"an upload answered OK (period {period} sealed) is lost after the kill");
        }
        if (periods.TryGetValue(period, out var found))
        {
            Assert.Equal(_exportRecords, found.Records); // all there, never part of it
        }
        else
        {
            // Killed before it committed: absent, and uploading again puts it all there.
            using var again = Tree.Client(_nodes[City]);
            await again.UploadAsync([_export], period);
            periods = await PeriodsAsync(City);
            Assert.Equal(_exportRecords, periods[period].Records);
        }
        await CheckSealedAsync(City, periods);
        return mid;
    }

    // seal: the staged data sealed by the node's seal command, killed at a random moment.
    private async Task<bool> SealAsync()
    {
        var period = NextPeriod();
        using (var client = Tree.Client(_nodes[City]))
        {
            await client.UploadAsync([_export]);
        }
        var config = _nodes[City].ConfigPath;
        var seal = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "seal", "--config", config, "--as-of", period]);
        await using (seal)
        {
            var mid = await KillProcessAtRandomAsync(seal, 4000);
            var periods = await PeriodsAsync(City);
            if (!periods.ContainsKey(period))
            {
                await CommandAsync(0, "seal", "--config", config, "--as-of", period);
                periods = await PeriodsAsync(City);
            }
            Assert.Equal(_exportRecords, periods[period].Records);
            await CheckSealedAsync(City, periods);
            return mid;
        }
    }

    // pull: the province resyncs the city's latest period; the city (child side) or the province
    // (parent side) killed at a random moment — for the merged seal, just after the pull commits.
    private async Task<bool> PullAsync(bool killParent, bool mergedSeal)
    {
        var cityLatest = await LatestAsync(City);
        if (await ChildDigestAsync(Province) == cityLatest.Digest)
        {
            // Something new to pull: the city seals a period first (not killed).
            var period = NextPeriod();
            using var client = Tree.Client(_nodes[City]);
            await client.UploadAsync([_export], period);
            cityLatest = await LatestAsync(City);
        }
        using var parent = Tree.Client(_nodes[Province]);
        var operation = await parent.TriggerResyncAsync();
        var victim = killParent ? Province : City;
        bool mid;
        if (mergedSeal)
        {
            // Until the province has the city's period committed, then a kill within 300 ms: the
            // merged seal follows the commit at once.
            await Poll.UntilAsync(async () => (await parent.GetOperationAsync(operation.Id)).Children.Single().State is "committed" or "current" or "failed",
                Patience, "the province's pull ends", TimeSpan.FromMilliseconds(20));
            await Task.Delay(_random.Next(0, 300));
            mid = (await LatestAsync(Province)).Period != cityLatest.Period;
            await KillAsync(Province);
        }
        else
        {
            var running = Poll.UntilAsync(async () => (await parent.GetOperationAsync(operation.Id)).State != OperationState.Running,
                Patience, "the pull ends", TimeSpan.FromMilliseconds(50));
            (mid, _) = await KillDuringAsync(victim, running, 6000);
        }
        await RestartAsync(victim);
        await ResyncUntilCommittedAsync(Province, City);
        Assert.Equal(cityLatest.Digest, await ChildDigestAsync(Province));
        // The merged seal names what was committed.
        var merged = await Poll.UntilAsync(() => LatestAsync(Province), p => p.Period == cityLatest.Period, Patience, "the province seals the merged period");
        Assert.Equal(cityLatest.Digest, merged.MergedFrom.Single(m => m.ChildId == City).Digest);
        return mid;
    }

    // resync: the ministry resyncs the province's latest merged period and is killed mid-pull.
    private async Task<bool> ResyncMinistryAsync()
    {
        var provinceLatest = await LatestAsync(Province);
        if (await ChildDigestAsync(Ministry) == provinceLatest.Digest)
        {
            // Something new to pull: the city seals a period, the province pulls and merges it (no kill).
            var period = NextPeriod();
            using (var city = Tree.Client(_nodes[City]))
            {
                await city.UploadAsync([_export], period);
            }
            await ResyncUntilCommittedAsync(Province, City);
            provinceLatest = await Poll.UntilAsync(() => LatestAsync(Province), p => p.Period == period, Patience, "the province seals the merged period");
        }
        using var national = Tree.Client(_nodes[Ministry]);
        var operation = await national.TriggerResyncAsync();
        var running = Poll.UntilAsync(async () => (await national.GetOperationAsync(operation.Id)).State != OperationState.Running,
            Patience, "the ministry's resync ends", TimeSpan.FromMilliseconds(50));
        var (mid, _) = await KillDuringAsync(Ministry, running, 6000);
        await RestartAsync(Ministry);
        await ResyncUntilCommittedAsync(Ministry, Province);
        Assert.Equal(provinceLatest.Digest, await ChildDigestAsync(Ministry));
        return mid;
    }

    // backup: the monthly backup (store, security database, journal) killed at a random moment;
    // the next one (as the schedule retries) completes and passes the restore drill.
    private async Task<bool> BackupAsync()
    {
        var config = _nodes[City].ConfigPath;
        var backup = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "backup", "--config", config, "--monthly"]);
        bool mid;
        await using (backup)
        {
            mid = await KillProcessAtRandomAsync(backup, 5000);
        }
        await CommandAsync(0, "backup", "--config", config, "--monthly");
        var copy = CityBackup();
        var drill = await CommandAsync(0, "restore", "--config", config, copy, "--verify");
        Assert.Contains("Restore drill passed", drill, StringComparison.Ordinal);
        return mid;
    }

    private string BackupDirectory => Path.Combine(_directory.Path, "data", "backups");

    // This month's backup of the city's store (the province's and the ministry's are beside it: the nodes share a data directory).
    private string CityBackup() => Directory.GetFiles(BackupDirectory, City + "-*.db")
        .Single(f => !f.EndsWith(".security.db", StringComparison.Ordinal) && !f.EndsWith(".registration.db", StringComparison.Ordinal));

    // restore: the city stopped by a kill, its store restored from this month's backup by the
    // restore command, killed at a random moment; the node starts on the old store or the restored one.
    private async Task<bool> RestoreAsync()
    {
        var config = _nodes[City].ConfigPath;
        await CommandAsync(0, "backup", "--config", config, "--monthly");
        var copy = CityBackup();
        await KillAsync(City);
        var restore = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "restore", "--config", config, copy]);
        bool mid;
        await using (restore)
        {
            mid = await KillProcessAtRandomAsync(restore, 4000);
        }
        // The backup holds what the store held: the periods are the same whichever the node opens.
        await RestartAsync(City);
        await CheckSealedAsync(City, await PeriodsAsync(City));
        return mid;
    }

    // The registration feed: local registrations at the city, one after another, while the city
    // (its journal), the province (the relay) or the ministry (the commit) is killed.
    private async Task<bool> FeedAsync(string victim)
    {
        using var stop = new CancellationTokenSource();
        var confirmed = new List<string>();
        var attempted = new List<string>();
        var city = Tree.Client(_nodes[City]);
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = $"CR-{++_registrations:D4}";
                attempted.Add(id);
                try
                {
                    await city.RegisterLocallyAsync(Registration(id), stop.Token);
                    confirmed.Add(id);
                }
                catch (FederationException) when (victim == City || stop.IsCancellationRequested)
                {
                    return; // the city is gone (or the campaign stopped): the call in flight is unknown
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
        var (mid, _) = await KillDuringAsync(victim, writer, 3000, awaitOutcome: false);
        await stop.CancelAsync();
        await writer;
        city.Dispose();
        await RestartAsync(victim);
        using var client = Tree.Client(_nodes[City]);
        // Those answered are there; the one whose answer the kill took may be there or not.
        var before = (await client.GetNodeStatusAsync()).Registration.ValidToday.GetValueOrDefault(City);
        Assert.InRange(before, _registrations - attempted.Count + confirmed.Count, _registrations);
        // The registrations whose answer the kill took: recorded again (the same id is recorded once).
        foreach (var id in attempted.Except(confirmed, StringComparer.Ordinal))
        {
            await client.RegisterLocallyAsync(Registration(id));
        }
        await CheckFeedAsync();
        return mid;
    }

    private static RegisterLocallyRequest Registration(string id)
    {
        var n = int.Parse(id[3..], CultureInfo.InvariantCulture);
        return new RegisterLocallyRequest
        {
            RegistrationId = id, Category = "other", HandlingDivision = "440103",
            // Born in Beijing in 1966 (the address code does not route): no one of the generated export.
            CitizenId = RegistrationTree.Citizen("110105", $"1966{1 + n / 28 % 12:D2}{1 + n % 28:D2}", $"{n / 336 % 1000:D3}"),
        };
    }

    // The registration invariant: every registration made is counted once at the city and at the
    // ministry, and each parent's cursor in its child's feed is the child's feed head.
    private async Task CheckFeedAsync()
    {
        using var city = Tree.Client(_nodes[City]);
        using var province = Tree.Client(_nodes[Province]);
        using var national = Tree.Client(_nodes[Ministry]);
        var cityStatus = (await city.GetNodeStatusAsync()).Registration;
        Assert.Equal(_registrations, cityStatus.ValidToday.GetValueOrDefault(City));
        await Poll.UntilAsync(async () =>
        {
            var p = (await province.GetNodeStatusAsync()).Registration;
            var m = (await national.GetNodeStatusAsync()).Registration;
            return p.Links.Single().ChangesCursor == cityStatus.FeedHead && m.Links.Single().ChangesCursor == p.FeedHead
                && m.ValidToday.GetValueOrDefault(City) == _registrations && p.ValidToday.GetValueOrDefault(City) == _registrations;
        }, Patience, $"the province's cursor reaches the city's feed head {cityStatus.FeedHead}, the ministry's the province's, and both count {_registrations} registrations of {City}");
        var ministry = (await national.GetNodeStatusAsync()).Registration;
        Assert.Equal(cityStatus.ValidToday.OrderBy(p => p.Key), ministry.ValidToday.OrderBy(p => p.Key));
        Checks++;
    }

    // The audit writer: audited look-ups at the city, one after another, while it is killed.
    private async Task<bool> AuditAsync()
    {
        using var stop = new CancellationTokenSource();
        var client = Tree.Client(_nodes[City]);
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.VerifyPersonAsync(RegistrationTree.Citizen("440103", "19700101", "123"), stop.Token);
                    await client.GetAccountAsync(TestPki.Tester, stop.Token);
                }
                catch (Exception ex) when (ex is FederationException or OperationCanceledException)
                {
                    return;
                }
            }
        });
        var (mid, _) = await KillDuringAsync(City, writer, 3000, awaitOutcome: false);
        await stop.CancelAsync();
        await writer;
        client.Dispose();
        await RestartAsync(City);
        return mid;
    }

    // Account changes: accounts created and granted a role, one after another, while the city is
    // killed. An account whose creation was answered is there, with its roles.
    private async Task<bool> AccountsAsync()
    {
        using var stop = new CancellationTokenSource();
        var confirmed = new List<string>();
        var client = Tree.Client(_nodes[City]);
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = $"crash-{++_accounts:D4}";
                try
                {
                    await client.CreateAccountAsync(id, "测试员" + _accounts.ToString(CultureInfo.InvariantCulture), "统计员", null, [("analyst", null)], stop.Token);
                    await client.GrantRoleAsync(id, "verifier", null, stop.Token);
                    confirmed.Add(id);
                }
                catch (Exception ex) when (ex is FederationException or OperationCanceledException)
                {
                    return;
                }
            }
        });
        var (mid, _) = await KillDuringAsync(City, writer, 3000, awaitOutcome: false);
        await stop.CancelAsync();
        await writer;
        client.Dispose();
        await RestartAsync(City);
        using var again = Tree.Client(_nodes[City]);
        var accounts = (await again.ListAccountsAsync()).Accounts.ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var id in confirmed)
        {
            Assert.True(accounts.ContainsKey(id), $"account {id}, created and granted before the kill, is lost");
            Assert.Equal(["analyst", "verifier"], accounts[id].Grants.Select(g => g.Role).Order(StringComparer.Ordinal));
        }
        return mid;
    }

    // Every node, after every kill: it serves, its audit chain verifies, its sealed periods are
    // those known (records and digests unchanged), no spool or half-written file is left.
    private async Task CheckNodeAsync(string id)
    {
        using var client = Tree.Client(_nodes[id]);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Poll.UntilAsync(() => client.CheckHealthAsync(),
            s => s == HealthCheckResponse.Types.ServingStatus.Serving, Patience, $"{id} serves"));
        var audit = await client.VerifyAuditAsync();
        Assert.True(audit.Intact, $"{id}'s audit chain does not verify after the kill: {string.Join("; ", audit.Problems)}");
        var latest = await LatestAsync(id);
        if (_sealed[id].Count > 0 || latest.Period.Length > 0)
        {
            if (_sealed[id].TryGetValue(latest.Period, out var known))
            {
                Assert.Equal(known, (latest.Records, latest.Digest));
            }
            else
            {
                await CheckSealedAsync(id, await PeriodsAsync(id));
            }
        }
        var data = Path.Combine(_directory.Path, "data");
        var uploads = Path.Combine(data, "uploads");
        Assert.Empty(Directory.Exists(uploads) ? Directory.GetDirectories(uploads) : []);
        var leftovers = Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".partial", StringComparison.Ordinal) || f.EndsWith(".restore", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal)
                || Path.GetFileName(f).StartsWith(".restore-drill-", StringComparison.Ordinal));
        Assert.Empty(leftovers);
        Checks += 4;
    }

    // Sealed periods after a kill: every one known before is there unchanged, each recomputes to its
    // digest (periods --verify), and none is new unless whole.
    private async Task CheckSealedAsync(string id, Dictionary<string, (long Records, string Digest)> periods)
    {
        foreach (var (period, sealedBefore) in _sealed[id])
        {
            Assert.True(periods.TryGetValue(period, out var now), $"{id}'s sealed period {period} is gone after the kill");
            Assert.Equal(sealedBefore, now);
        }
        _sealed[id] = periods;
        Checks++;
    }

    /// <summary>Each node's sealed periods (records, digest), every one recomputed from its records by <c>periods --verify</c> (exit 1 on a mismatch).</summary>
    private async Task<Dictionary<string, (long Records, string Digest)>> PeriodsAsync(string id)
    {
        var output = await CommandAsync(0, "periods", "--config", _nodes[id].ConfigPath, "--verify");
        var periods = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (Match line in PeriodLine().Matches(output))
        {
            Assert.Equal("verified", line.Groups[4].Value);
            periods[line.Groups[1].Value] = (long.Parse(line.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture), line.Groups[3].Value);
        }
        Checks++;
        return periods;
    }

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})\s+([\d,]+) records\s+digest (\S+) .*?(verified|MISMATCH)", RegexOptions.Multiline)]
    private static partial Regex PeriodLine();

    private async Task<SealedPeriod> LatestAsync(string id)
    {
        using var client = Tree.Client(_nodes[id]);
        return (await client.GetNodeStatusAsync()).LatestSealed ?? new SealedPeriod();
    }

    private async Task<string> ChildDigestAsync(string parent)
    {
        using var client = Tree.Client(_nodes[parent]);
        return (await client.GetNodeStatusAsync()).Children.Single().Digest;
    }

    private async Task ResyncUntilCommittedAsync(string parent, string child)
    {
        using var client = Tree.Client(_nodes[parent]);
        var childLatest = await LatestAsync(child);
        await Poll.UntilAsync(async () =>
        {
            var operation = await Tree.ResyncAsync(client);
            // "current": the period was committed before (by the pull the kill interrupted, or an earlier one).
            return operation.Children.Single().State is "committed" or "current" && (await client.GetNodeStatusAsync()).Children.Single().Digest == childLatest.Digest;
        }, Patience, $"{parent} commits {child}'s latest period {childLatest.Period}", TimeSpan.FromSeconds(1));
        await CheckSealedAsync(parent, await PeriodsAsync(parent));
    }

    // Waits a random time (at most maxMilliseconds) or until the operation ends, whichever is first,
    // then kills the node: a kill in the middle, or — when the operation was quicker — just after.
    private async Task<(bool Mid, Task? Outcome)> KillDuringAsync(string id, Task operation, int maxMilliseconds, bool awaitOutcome = true)
    {
        var delay = _random.Next(0, maxMilliseconds);
        var clock = Stopwatch.StartNew();
        await Task.WhenAny(operation, Task.Delay(delay));
        if (operation.IsCompleted && clock.ElapsedMilliseconds < delay)
        {
            // The operation ended first: the kill still comes at its drawn moment, after it.
            await Task.Delay(delay - (int)clock.ElapsedMilliseconds);
        }
        var mid = !operation.IsCompleted;
        await KillAsync(id);
        if (!awaitOutcome)
        {
            return (mid, null);
        }
        try
        {
            await operation.WaitAsync(Patience);
        }
        catch (Exception ex) when (ex is FederationException or OperationCanceledException or TimeoutException or Grpc.Core.RpcException)
        {
        }
        return (mid, operation);
    }

    private async Task<bool> KillProcessAtRandomAsync(ExternalProcess process, int maxMilliseconds)
    {
        await Task.WhenAny(process.Exited, Task.Delay(_random.Next(0, maxMilliseconds)));
        var mid = !process.Exited.IsCompleted;
        process.Kill();
        await process.Exited.WaitAsync(Patience);
        return mid;
    }

    private async Task KillAsync(string id)
    {
        if (_nodes[id].Process.Exited.IsCompleted)
        {
            return;
        }
        _nodes[id].Process.Kill();
        await _nodes[id].Process.Exited.WaitAsync(Patience);
    }

    private async Task RestartAsync(string id)
    {
        await KillAsync(id);
        var old = _nodes[id];
        _nodes[id] = await old.RestartAsync(id);
        await old.DisposeAsync();
    }

    private static async Task<string> CommandAsync(int expectedExit, params string[] arguments)
    {
        await using var command = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, .. arguments]);
        var exit = await command.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exit == expectedExit, $"{string.Join(' ', arguments.Take(1))} exited {exit}, not {expectedExit}: {command.Output}");
        return command.Output;
    }

    private string NextPeriod()
    {
        var period = _nextPeriod.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        _nextPeriod = _nextPeriod.AddDays(1);
        return period;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }
        _directory.Dispose();
    }
}
