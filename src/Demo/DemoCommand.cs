extern alias fedctl;
using Federation.DataGen;
using Federation.Node.Commands;
using Federation.Node.Configuration;
using Federation.Node.Host;
using Microsoft.Extensions.DependencyInjection;
using Federation.Node.Ingest;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using NodeLevel = Federation.Node.Configuration.NodeLevel;

namespace Federation.Demo;

/// <summary>
/// <c>Federation.Demo</c> (<c>dotnet run --project src/Demo</c>): the demo tree of <c>config/demo-tree</c> (1 ministry, 2 provinces,
/// 2 cities each) end to end. It starts from empty demo stores, generates synthetic exports for
/// every city (with a few workers registered in two cities of a province, for the comparison to
/// find), imports and seals them, starts every node as its own process on its loopback port,
/// pulls up to the ministry (each parent seals its merged period), prints a summary and a
/// verification entered at the ministry with its route, and serves until Ctrl-C.
/// </summary>
internal static class DemoCommand
{
    private const int MovedWorkersPerProvince = 3;

    public static async Task<int> RunAsync(DirectoryInfo? configDirectory, int persons, bool exitAfterSummary, bool ministryOnPostgres, CancellationToken commandToken)
    {
        var nodes = new List<DemoNode>();
        Federation.Shared.PostgresCluster? postgres = null;
        // Ctrl-C, SIGTERM or SIGHUP (a closed terminal): stop the nodes before leaving.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                stopping.Cancel();
            }))
            .ToList();
        var cancellationToken = stopping.Token;
        try
        {
            var directory = configDirectory?.FullName ?? FindDemoTree()
                ?? throw new DemoException("Cannot find config/demo-tree; run from the repository (or pass --tree <dir>).");
            var pki = DemoPki.Issue(directory);
            var configs = LoadTree(directory);
            var cities = configs.Where(c => c.Node.Children.Count == 0).ToList();
            var root = configs.Single(c => c.Node.ParsedLevel == NodeLevel.Ministry);
            // The period cities owe today (R-3), so that a healthy demo shows no node LATE.
            var period = Federation.Node.Exchange.ReportingCalendar.ExpectedPeriod(DateOnly.FromDateTime(DateTime.Now), NodeLevel.City);
            Console.WriteLine($"Federation demo: {configs.Count} nodes from {Relative(directory)}, {persons:N0} synthetic persons per city, period {period:yyyy-MM-dd}.");

            foreach (var config in configs)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(config.Store.Path)!);
                foreach (var file in new[] { config.Store.Path, config.SecurityPaths.DatabasePath, config.RegistrationJournalPath })
                {
                    foreach (var suffix in new[] { "", "-wal", "-shm" })
                    {
                        File.Delete(file + suffix);
                    }
                }
                pki.AddOperator(config);
            }
            var runDirectory = Path.Combine(Path.GetDirectoryName(root.Store.Path)!, "run");
            Directory.CreateDirectory(runDirectory);
            var overrides = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            if (ministryOnPostgres)
            {
                // A throwaway PostgreSQL cluster of the demo's own (initdb/pg_ctl, like the tests):
                // the ministry's store goes there, everything else stays on SQLite.
                var clusterDirectory = Path.Combine(Path.GetDirectoryName(root.Store.Path)!, "postgresql");
                try
                {
                    postgres = Federation.Shared.PostgresCluster.Start(clusterDirectory);
                }
                catch (InvalidOperationException ex)
                {
                    throw new DemoException($"Could not start the demo's PostgreSQL cluster: {ex.Message}");
                }
                overrides[root.Node.Id] = new Dictionary<string, string>
                {
                    ["FEDERATION_Store__Provider"] = "postgresql",
                    ["FEDERATION_Store__ConnectionString"] = postgres.Database("ministry"),
                };
                Console.WriteLine($"The ministry's store is on PostgreSQL: a throwaway cluster in {Relative(clusterDirectory)} (database ministry).");
            }
            Console.WriteLine($"Demo stores (fresh): {Relative(Path.GetDirectoryName(root.Store.Path)!)}");

            Console.WriteLine($"Generating synthetic exports for {cities.Count} cities ({persons:N0} persons, {EnterprisesPerCity} enterprises each)…");
            var exports = GenerateExports(cities, persons, runDirectory, period);
            var moved = new List<string>();
            foreach (var province in configs.Where(c => c.Node.ParsedLevel == NodeLevel.Province))
            {
                var pair = province.Node.Children.Select(c => cities.Single(city => city.Node.Id == c.Id)).Take(2).ToList();
                if (pair.Count == 2)
                {
                    moved.AddRange(CrossRegion.AddMovedWorkers(exports[pair[0].Node.Id], exports[pair[1].Node.Id], pair[1].Node.DivisionCode, MovedWorkersPerProvince));
                }
            }
            Console.WriteLine("Importing and sealing each city's export…");
            foreach (var city in cities)
            {
                await ImportAndSealAsync(city, exports[city.Node.Id], period, cancellationToken);
            }

            // Children first, so that each parent finds its children listening.
            var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var config in configs.OrderBy(c => c.Node.ParsedLevel))
            {
                var readyFile = Path.Combine(runDirectory, config.Node.Id + ".ready.json");
                Console.WriteLine($"  starting {config.Node.Id}…");
                var node = DemoNode.Start(config.Node.Id, config.Path, readyFile, overrides.GetValueOrDefault(config.Node.Id));
                nodes.Add(node);
                addresses[config.Node.Id] = await node.WaitReadyAsync(readyFile, TimeSpan.FromSeconds(60), cancellationToken);
            }
            Console.WriteLine($"Started {nodes.Count} node processes: {string.Join(", ", configs.Select(c => $"{c.Node.Id} {addresses[c.Node.Id]}"))}");

            // The demo calls its nodes as an operator would: one channel per node, closed at the end.
            var channels = addresses.ToDictionary(a => a.Key, a => pki.Channel(a.Value), StringComparer.Ordinal);
            using var closeChannels = new Disposables(channels.Values);
            Protocol.V1.Admin.AdminClient Admin(string id) => new(channels[id]);
            Console.WriteLine("Pulling up the tree: each province its cities, then the ministry its provinces…");
            foreach (var level in new[] { NodeLevel.Province, NodeLevel.Ministry })
            {
                foreach (var parent in configs.Where(c => c.Node.ParsedLevel == level))
                {
                    await ResyncAsync(Admin(parent.Node.Id), parent.Node.Id, cancellationToken);
                }
            }

            await PrintSummaryAsync(configs, Admin, cancellationToken);
            await PrintVerificationAsync(new Protocol.V1.Verification.VerificationClient(channels[root.Node.Id]), root.Node.Id, exports[cities[0].Node.Id], moved, cancellationToken);
            await PrintEnterpriseMonitoringAsync(new Protocol.V1.Statistics.StatisticsClient(channels[root.Node.Id]), root.Node.Id, period, cancellationToken);
            // The cross-city case goes to a city of another province when the tree has one.
            var secondCity = cities.Skip(1).OrderBy(c => c.Node.DivisionCode[..2] == cities[0].Node.DivisionCode[..2]).First();
            await DemoRegistration.RunAsync(id => channels[id], root.Node.Id,
                cities[0], configs.Single(c => c.Node.Children.Any(child => child.Id == cities[0].Node.Id)).Node.Id, secondCity, cancellationToken);
            var quarter = period.Month <= 3 ? $"{period.Year - 1}Q4" : $"{period.Year}Q{(period.Month - 1) / 3}";
            var employedTotal = SampleEmployedTotal(cities.Count, persons);
            await WriteSampleReportAsync(pki, addresses[root.Node.Id], quarter, employedTotal, runDirectory, cancellationToken);

            var ministry = addresses[root.Node.Id];
            PrintWebPages(configs, runDirectory, root.Node.Id);
            Console.WriteLine();
            Console.WriteLine("Try it (another terminal):");
            // fedctl reads the node and the credentials from these: the commands below run as printed
            // (tests/Federation.Tests/Node/DocumentedCommandsTests runs every one of them).
            Console.WriteLine($"  export FEDCTL_NODE={ministry} FEDCTL_CA={Relative(pki.CaPath)} FEDCTL_CERT={Relative(pki.OperatorCertificate)} FEDCTL_KEY={Relative(pki.OperatorKey)}");
            Console.WriteLine($"  alias fedctl='{FedctlCommand()}'");
            Console.WriteLine("  fedctl status");
            Console.WriteLine("  fedctl findings");
            Console.WriteLine($"  fedctl stats --period {period:yyyy-MM-dd}");
            Console.WriteLine($"  fedctl enterprises --month {new Federation.Store.Period(period).LastCompleteMonth}");
            Console.WriteLine($"  fedctl report --quarter {quarter} --employed-total {employedTotal}   # the quarterly report (Chinese; --lang en for English captions): HTML and a spreadsheet");
            Console.WriteLine("  fedctl registration applications   # the registration service: each city's backlog, what is overdue");
            Console.WriteLine("  fedctl audit");
            Console.WriteLine($"  fedctl accounts token {DemoPki.Operator}   # a token to sign in to the ministry's web pages as {DemoPki.Operator}");
            Console.WriteLine("  fedctl check <certificate number> --name <name>   # the public check: needs no account");
            // buf curl speaks Connect unless told otherwise; the node speaks gRPC.
            Console.WriteLine($"  buf curl --protocol grpc --cacert {Relative(pki.CaPath)} --cert {Relative(pki.OperatorCertificate)} --key {Relative(pki.OperatorKey)} --list-methods {ministry}");
            if (exitAfterSummary)
            {
                return 0;
            }
            Console.WriteLine("Serving until Ctrl-C.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            Console.WriteLine("Stopping the demo nodes.");
            return 0;
        }
        catch (DemoException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Demo cancelled.");
            return 1;
        }
        finally
        {
            // Parents first: they must not log a failed pull for a child stopped under them.
            foreach (var node in Enumerable.Reverse(nodes))
            {
                node.Dispose();
            }
            postgres?.Dispose();
            signals.ForEach(s => s.Dispose());
        }
    }

    // The nodes' web pages (docs/web.md), from their ready files: the ministry's public check is the
    // national one; every page that needs an account takes the node's demo-operator and a token.
    private static void PrintWebPages(IReadOnlyList<NodeConfiguration> configs, string runDirectory, string rootId)
    {
        var web = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var config in configs)
        {
            using var ready = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(runDirectory, config.Node.Id + ".ready.json")));
            if (ready.RootElement.TryGetProperty("web", out var addresses) && addresses.GetArrayLength() > 0)
            {
                web[config.Node.Id] = addresses[0].GetString()!.TrimEnd('/');
            }
        }
        if (!web.TryGetValue(rootId, out var ministry))
        {
            return;
        }
        Console.WriteLine();
        Console.WriteLine("Web pages (a browser; the demo's certificates are from its own CA, so the browser warns once):");
        Console.WriteLine($"  public certificate check (真伪查验, national): {ministry}/check");
        Console.WriteLine($"  agency verification (sign in as {DemoPki.Operator} with a token from 'fedctl accounts token {DemoPki.Operator}'): {ministry}/verify");
        if (web.Where(w => w.Key.StartsWith("city-", StringComparison.Ordinal)).OrderBy(w => w.Key, StringComparer.Ordinal).FirstOrDefault() is { Key: { } cityId } city)
        {
            Console.WriteLine($"  a local office's registration desk ({cityId}, the same account): {city.Value}/desk");
        }
        Console.WriteLine($"  the ministry's operator console (the same account): {ministry}/console");
        Console.WriteLine($"  each node's pages: {string.Join(", ", web.Select(w => $"{w.Key} {w.Value}/"))}");
    }

    private static List<NodeConfiguration> LoadTree(string directory)
    {
        var files = Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).ToArray();
        var errors = TreeCheck.Check(files, out _);
        if (errors.Count > 0)
        {
            throw new DemoException($"The demo tree in {directory} is not consistent:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => "  - " + e))}");
        }
        try
        {
            return [.. files.Select(file => NodeConfiguration.Load(file))];
        }
        catch (NodeConfigurationException ex)
        {
            throw new DemoException(ex.Message);
        }
    }

    private static Dictionary<string, string> GenerateExports(List<NodeConfiguration> cities, int persons, string runDirectory, DateOnly period)
    {
        var exports = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < cities.Count; i++)
        {
            var city = cities[i];
            var export = Path.Combine(runDirectory, "exports", city.Node.Id);
            if (Directory.Exists(export))
            {
                Directory.Delete(export, recursive: true);
            }
            // Distinct seeds and id ranges: each city its own people.
            ExportGenerator.Generate(new GeneratorOptions { CityCode = city.Node.DivisionCode, Persons = persons, Seed = 100 + i, IdOffset = (i + 1) * 10_000_000, AsOf = period }, export);
            // Enterprise monitoring: a few hundred sampled enterprises per city, 12 months of reports.
            EnterpriseGenerator.Generate(new EnterpriseOptions
            {
                CityCode = city.Node.DivisionCode, Enterprises = EnterprisesPerCity, Seed = 100 + i, IdOffset = (i + 1) * 100_000,
                LastMonth = new Federation.Store.Period(period).LastCompleteMonth,
            }, export);
            exports[city.Node.Id] = export;
        }
        return exports;
    }

    private static async Task ImportAndSealAsync(NodeConfiguration city, string export, DateOnly period, CancellationToken cancellationToken)
    {
        // Through the node's composition root, as its own ingest command does.
        // The node's own log of the import and the seal goes to its file; the demo prints one line
        // per city below (issue 22: the seal was printed twice, by the log and by the demo).
        await using var services = NodeComposition.BuildForCommand(city, consoleLog: false);
        var store = services.GetRequiredService<IStaging>();
        var validator = new RecordValidator(DivisionTable.Default.JurisdictionOf(city.Node.DivisionCode), DivisionTable.Default, DateOnly.FromDateTime(DateTime.Now));
        var rejects = Path.Combine(city.Ingest.RejectsDirectory, $"rejects-demo-{DateTime.Now:yyyyMMdd-HHmmss}.csv");
        var result = await new Importer(store, validator, NullLogger.Instance).ImportAsync(Importer.Plan([export]), rejects, progress: null, cancellationToken);
        var manifest = services.GetRequiredService<Federation.Node.Sealing.IPeriodSealer>().Seal(period);
        Console.WriteLine($"  {city.Node.Id,-16} imported {result.Accepted,9:N0} records ({result.Rejected:N0} rejected), sealed {manifest.Period} digest {manifest.Digest[..12]}…");
    }

    private static async Task ResyncAsync(Protocol.V1.Admin.AdminClient admin, string parentId, CancellationToken cancellationToken)
    {
        var operation = await admin.TriggerResyncAsync(new TriggerResyncRequest(), cancellationToken: cancellationToken);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (operation.State == OperationState.Running)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new DemoException($"{parentId}'s pull did not finish within 10 minutes.");
            }
            await Task.Delay(100, cancellationToken);
            operation = await admin.GetOperationAsync(new GetOperationRequest { Id = operation.Id }, cancellationToken: cancellationToken);
        }
        foreach (var child in operation.Children)
        {
            Console.WriteLine(child.State == "current"
                ? $"  {parentId,-16} has    {child.ChildId,-16} period {child.Period} (its own schedule pulled it at start-up)"
                : $"  {parentId,-16} pulled {child.ChildId,-16} period {child.Period}: {child.State}, {child.Records:N0} records, {child.Bytes / 1048576.0:0.0} MiB{(child.Error.Length > 0 ? ", " + child.Error : "")}");
        }
        if (operation.State != OperationState.Succeeded)
        {
            throw new DemoException($"{parentId} could not pull all its children (see above); its log is in logs/demo.");
        }
    }

    private static async Task PrintSummaryAsync(List<NodeConfiguration> configs, Func<string, Protocol.V1.Admin.AdminClient> admin, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine($"{"node",-16} {"level",-9} {"period",-10} {"records",10} {"findings",9}  digest");
        foreach (var config in configs.OrderByDescending(c => c.Node.ParsedLevel).ThenBy(c => c.Node.Id, StringComparer.Ordinal))
        {
            var status = await admin(config.Node.Id).GetNodeStatusAsync(new GetNodeStatusRequest(), cancellationToken: cancellationToken);
            var sealedPeriod = status.LatestSealed ?? new SealedPeriod();
            Console.WriteLine($"{status.NodeId,-16} {config.Node.ParsedLevel.Name(),-9} {sealedPeriod.Period,-10} {sealedPeriod.Records,10:N0} {sealedPeriod.Findings,9:N0}  {sealedPeriod.Digest}");
        }
    }

    private const int EnterprisesPerCity = 250;

    // The statistics bureau's employed total is an input of R-14. The demo's tree holds only its
    // synthetic people, so its "employed total" is theirs: every person of every city's export.
    // (A national figure such as 60,000,000 against a few thousand registered unemployed made the
    // sample report's rate read 0.00 %.)
    private static long SampleEmployedTotal(int cities, int persons) => (long)cities * persons;

    // The ministry's quarterly report, written with fedctl report's own code.
    private static async Task WriteSampleReportAsync(DemoPki pki, string ministry, string quarterText, long employedTotal, string runDirectory, CancellationToken cancellationToken)
    {
        using var client = new Federation.Client.FederationClient(new Federation.Client.FederationClientOptions
        {
            Address = ministry,
            ServerCertificateAuthority = Federation.Shared.CertificateAuthority.LoadPem(pki.CaPath),
            ClientCertificate = Federation.Client.FederationClient.LoadClientCertificate(pki.OperatorCertificate, pki.OperatorKey),
        });
        var quarter = Federation.Reporting.Quarter.Parse(quarterText);
        var data = await Federation.Reporting.QuarterlyReportData.GatherAsync(new fedctl::Federation.Fedctl.Commands.ClientReportSource(client), quarter, null, employedTotal, TimeProvider.System, cancellationToken);
        var (html, xlsx) = await fedctl::Federation.Fedctl.Commands.ReportCommand.WriteAsync(data, Path.Combine(runDirectory, $"report-{data.NodeId}-{quarter}.html"), null, english: false, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"Quarterly report {quarter} of {data.NodeId} from sealed period {data.Period}: {Relative(html)} (and {Path.GetFileName(xlsx)} beside it)");
    }

    // The national picture of enterprise monitoring at the ministry, and its early-warning list.
    private static async Task PrintEnterpriseMonitoringAsync(Protocol.V1.Statistics.StatisticsClient ministry, string ministryId, DateOnly period, CancellationToken cancellationToken)
    {
        var month = new Federation.Store.Period(period).LastCompleteMonth;
        var summary = await ministry.GetEnterpriseSummaryAsync(new GetEnterpriseSummaryRequest { Month = month }, cancellationToken: cancellationToken);
        var total = summary.Total;
        Console.WriteLine();
        Console.WriteLine($"Enterprise monitoring at {ministryId}, {month}: {total.Enterprises:N0} enterprises in {summary.ByCity.Count} cities, " +
            $"baseline {total.Baseline:N0}, now {total.Current:N0} ({total.ChangePct} %); {total.ReducingEnterprises:N0} reducing, {total.PeopleReduced:N0} people");
        foreach (var industry in summary.ByIndustry.OrderBy(g => g.ChangePct.Length == 0 ? 0 : decimal.Parse(g.ChangePct, System.Globalization.CultureInfo.InvariantCulture)).Take(3))
        {
            Console.WriteLine($"  {industry.Key} {industry.Label}: {industry.Enterprises:N0} enterprises, {industry.Change:N0} ({industry.ChangePct} %)");
        }
        Console.WriteLine($"  national early warning (a reduction ≥ {summary.WarnPercent} % or ≥ {summary.WarnPeople} people): {summary.EarlyWarnings.Count} enterprises; the largest:");
        foreach (var warning in summary.EarlyWarnings.Take(5))
        {
            Console.WriteLine($"    {warning.City,-12} {warning.Name} {warning.CreditCode} {warning.Industry}: {warning.Baseline:N0} → {warning.Current:N0} ({warning.ChangePct} %, {warning.ReductionType})");
        }
    }

    private static async Task PrintVerificationAsync(Protocol.V1.Verification.VerificationClient ministry, string ministryId, string export, List<string> moved, CancellationToken cancellationToken)
    {
        var certificate = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"].Length == 0 && c["valid"] == "1")["certificate_number"];
        var answer = await ministry.VerifyCertificateAsync(new VerifyCertificateRequest { CertificateNumber = certificate }, cancellationToken: cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"Verification entered at {ministryId}: certificate {certificate}");
        Console.WriteLine($"  found {answer.Found}: holder {CitizenId.Mask(answer.Holder.Person.CitizenId)} {answer.Holder.Person.Name}, {Describe(answer.Holder)}");
        foreach (var source in answer.Provenance.Sources)
        {
            Console.WriteLine($"  route {string.Join(" → ", source.Route)} ({source.Hops} hops), {Freshness(source)}");
        }
        if (moved.Count > 0)
        {
            var person = await ministry.VerifyPersonAsync(new VerifyPersonRequest { CitizenId = moved[0] }, cancellationToken: cancellationToken);
            Console.WriteLine($"Verification entered at {ministryId}: person {CitizenId.Mask(moved[0])} (registered in two cities)");
            Console.WriteLine($"  {Describe(person.Holder)}; records at {string.Join(" and ", person.Holder.Origins)}");
            foreach (var source in person.Provenance.Sources)
            {
                Console.WriteLine($"  route {string.Join(" → ", source.Route)} ({source.Hops} hops), {Freshness(source)}");
            }
        }
    }

    private static string Describe(HolderStatus holder) =>
        $"{holder.EmploymentState.ToString().ToLowerInvariant()}, {holder.Certificates.Count(c => c.State == CertificateState.Valid)} certificate(s) in force" +
        (holder.AssistanceTarget ? ", assistance target" : "") +
        (holder.PoliciesInForce.Count > 0 ? $", {holder.PoliciesInForce.Count} policy(ies)" : "") +
        (holder.BenefitsInForce.Count > 0 ? ", drawing unemployment insurance" : "");

    private static string Freshness(AnswerSource source) =>
        source.Freshness == Protocol.V1.Freshness.Live ? "live" : $"cached from period {source.CachedPeriod} ({source.Reason})";

    private static string? FindDemoTree()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "config", "demo-tree");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    // The fedctl the solution built beside the demo (no build per call, unlike dotnet run); the
    // dotnet run form when the demo runs from somewhere else.
    private static string FedctlCommand()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        // <repo>/src/Demo/bin/<Configuration>/<TargetFramework>/ → <repo>/src/Fedctl/bin/<Configuration>/<TargetFramework>/fedctl.dll
        if (output.Parent?.Parent?.Parent?.Parent is { } src)
        {
            var fedctl = Path.Combine(src.FullName, "Fedctl", "bin", output.Parent.Name, output.Name, "fedctl.dll");
            if (File.Exists(fedctl))
            {
                return $"dotnet {Relative(fedctl)}";
            }
        }
        return "dotnet run --project src/Fedctl --";
    }

    private static string Relative(string path) => Path.GetRelativePath(Directory.GetCurrentDirectory(), path);

    private sealed class Disposables(IEnumerable<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
