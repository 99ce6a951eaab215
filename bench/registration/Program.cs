using System.Diagnostics;
using System.Globalization;
using Federation.Bench.Registration;
using Federation.Client;
using Federation.DataGen;
using Federation.Protocol.V1;
using Grpc.Net.Client;

// A day's national exits reaching the ministry (issue 14 item 6). Ours: a real tree of node
// processes (BenchTree); each city's local registrations are made first (setup, timed, not
// measured), then every one of them exits (RecordExit at the 4 cities at once, 16 calls in flight
// each) and each exit is timed from the city call to its commit at the ministry (MinistryArrivals),
// two relays and three durable commits (city, province, ministry) later. Baseline: the same exits
// pushed by 4 client "cities" straight to one in-process gRPC server that commits each to SQLite
// (Baseline). The figures go to stdout as Markdown; progress to stderr. Fails (exit code ≠ 0)
// unless every exit reached the ministry exactly once and the ministry counts what the cities count.
// Usage: dotnet Federation.Bench.Registration.dll <exits> <first port (8 used)> <work directory>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Federation.Bench.Registration <exits> <first port (8 used)> <work directory>");
    return 2;
}
var exits = int.Parse(args[0], CultureInfo.InvariantCulture);
var firstPort = int.Parse(args[1], CultureInfo.InvariantCulture);
var work = args[2];
Directory.CreateDirectory(work);
const int InFlight = 16;
// Every wait is bounded, generously for the scale: the ministry commits each change on its own
// (an fsync), a few hundred a second on a shared disk.
var patience = TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(20.0 * exits);
var cities = BenchTree.Cities;

// Each city's share of the day: its people registered locally, then all of them exit for a
// listed reason in a production system's words (the generator's traffic, no forbidden reasons).
var traffic = cities.Select((city, c) =>
{
    var count = exits / cities.Count + (c < exits % cities.Count ? 1 : 0);
    return RegistrationGenerator.Generate(new RegistrationTrafficOptions
    {
        CityCode = city.Code, Applications = 0, LocalRegistrations = count, Exits = count, ForbiddenExits = 0, AlsoLocal = 0, Seed = c + 1,
    });
}).ToList();
var registrations = traffic.Select(day => day.Where(e => e.Kind == "local").ToList()).ToList();
var all = traffic.SelectMany((day, c) => day.Where(e => e.Kind == "exit").Select(e => (City: c, Exit: e))).ToList();
var byCity = cities.Select((_, c) => Enumerable.Range(0, all.Count).Where(i => all[i].City == c).ToList()).ToList();
var index = all.Select((e, i) => (e.Exit.RegistrationId, i)).ToDictionary(p => p.RegistrationId, p => p.i, StringComparer.Ordinal);

var sent = new long[all.Count];
var acknowledged = new long[all.Count];
IReadOnlyList<long> arrived;
TimeSpan registered, setup;
string verified, cpu;
Console.Error.WriteLine($"starting the tree in {work}...");
await using (var tree = await BenchTree.StartAsync(work, firstPort))
{
    await tree.WaitConnectedAsync(TimeSpan.FromSeconds(60));
    var clients = tree.CityNodes.Select(BenchTree.Client).ToList();
    using var ministry = BenchTree.Client(tree.Ministry);
    try
    {
        Console.Error.WriteLine($"setup: {all.Count:N0} local registrations...");
        var clock = Stopwatch.StartNew();
        using (var stop = new CancellationTokenSource(patience))
        {
            await Task.WhenAll(cities.Select((_, c) => PaceAsync(Enumerable.Range(0, registrations[c].Count).ToList(), async j =>
            {
                var r = registrations[c][j];
                var answer = await clients[c].RegisterLocallyAsync(new RegisterLocallyRequest
                {
                    RegistrationId = r.RegistrationId, CitizenId = r.CitizenId, Category = r.Category, HandlingDivision = r.Division,
                }, stop.Token);
                if (answer.Merged)
                {
                    throw new InvalidOperationException($"{r.RegistrationId} joined registration {answer.Registration.RegistrationId}: the generated people are to be distinct");
                }
            })));
        }
        registered = clock.Elapsed;
        await Wait.UntilAsync("every registration counted at the ministry", patience, async () =>
        {
            var valid = (await ministry.GetNodeStatusAsync()).Registration.ValidToday;
            return cities.Select((city, c) => valid.GetValueOrDefault(city.Id) == registrations[c].Count).All(counted => counted);
        });
        setup = clock.Elapsed;

        Console.Error.WriteLine($"measuring: {all.Count:N0} exits...");
        using var arrivals = new MinistryArrivals(tree.MinistryJournal, index);
        var cpuBefore = CpuTimes(tree);
        var wall = Stopwatch.StartNew();
        using (var stop = new CancellationTokenSource(patience))
        {
            await Task.WhenAll(cities.Select((_, c) => PaceAsync(byCity[c], async i =>
            {
                sent[i] = Stopwatch.GetTimestamp();
                await clients[c].RecordExitAsync(all[i].Exit.RegistrationId, all[i].Exit.Reason, cancellationToken: stop.Token);
                acknowledged[i] = Stopwatch.GetTimestamp();
            })));
        }
        await arrivals.All.WaitAsync(patience);
        cpu = $"CPU seconds used while the exits were recorded and relayed ({wall.Elapsed.TotalSeconds:0.0} s wall × {Environment.ProcessorCount} cores): " +
            string.Join(", ", CpuTimes(tree).Zip(cpuBefore, (after, before) => $"{after.Id} {(after.Cpu - before.Cpu).TotalSeconds:0.0}")) + ".";
        // A change relayed twice would come after its first arrival: a moment more to see one.
        await Task.Delay(TimeSpan.FromSeconds(2));
        arrivals.Stop();
        arrived = arrivals.Arrived;
        verified = await VerifyAsync(arrivals, ministry, clients);
    }
    finally
    {
        clients.ForEach(c => c.Dispose());
    }
}

Console.Error.WriteLine($"baseline: {all.Count:N0} unary pushes...");
var baselineSent = new long[all.Count];
var baselineReturned = new long[all.Count];
var sinkPort = firstPort + 7;
var baselineCpu = Environment.CpuUsage.TotalTime;
var baselineWall = Stopwatch.StartNew();
await using (var baseline = await Baseline.StartAsync(Path.Combine(work, "baseline.db"), sinkPort))
{
    // One channel per city, as each city's office would hold its own connection to the ministry.
    var channels = cities.Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{sinkPort}")).ToList();
    try
    {
        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource(patience);
        await Task.WhenAll(cities.Select((city, c) =>
        {
            var sink = new BaselineSink.BaselineSinkClient(channels[c]);
            return PaceAsync(byCity[c], async i =>
            {
                baselineSent[i] = Stopwatch.GetTimestamp();
                await sink.PushAsync(new ExitRecord { RegistrationId = all[i].Exit.RegistrationId, Origin = city.Id, Reason = all[i].Exit.Reason, ExitDate = today },
                    deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: stop.Token);
                baselineReturned[i] = Stopwatch.GetTimestamp();
            });
        }));
    }
    finally
    {
        channels.ForEach(c => c.Dispose());
    }
    if (baseline.Committed != all.Count)
    {
        throw new InvalidOperationException($"the sink holds {baseline.Committed} exits, not {all.Count}");
    }
}
cpu += $" Baseline: this process (server and clients) {(Environment.CpuUsage.TotalTime - baselineCpu).TotalSeconds:0.0} in {baselineWall.Elapsed.TotalSeconds:0.0} s wall.";

Console.WriteLine($"""
    | {all.Count:N0} exits, {InFlight} calls in flight per city | p50 ms | p99 ms | max ms | exits/s | setup s |
    |---|---:|---:|---:|---:|---|
    {Row("**ours**: city call → committed at the ministry", sent, arrived, $"{setup.TotalSeconds:0.0} (all {all.Count:N0} registered at the cities in {registered.TotalSeconds:0.0}, then counted at the ministry)")}
    {Row("ours: acknowledged by the city → at the ministry", acknowledged, arrived, "", throughput: false)}
    {Row("ours: city call → acknowledged by the city", sent, acknowledged, "")}
    {Row("**baseline**: unary call → committed at the sink", baselineSent, baselineReturned, "—")}

    By city (call → committed at the ministry): {ByCity(byCity, sent, acknowledged, arrived)}

    Checked: {verified}

    {cpu}
    """);
return 0;

// Each node's CPU time so far, and this process's (the clients and the ministry observer).
static IReadOnlyList<(string Id, TimeSpan Cpu)> CpuTimes(BenchTree tree) =>
    [.. tree.CpuTimes(), ("this bench", Environment.CpuUsage.TotalTime)];

// Calls `call` for each of `items`, InFlight at a time.
static Task PaceAsync(IReadOnlyList<int> items, Func<int, Task> call)
{
    var next = -1;
    return Task.WhenAll(Enumerable.Range(0, InFlight).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < items.Count; i = Interlocked.Increment(ref next))
        {
            await call(items[i]);
        }
    }));
}

// A table row: latencies from `from` to `to` and the throughput of the whole (count / (last `to` −
// first `from`)).
static string Row(string what, IReadOnlyList<long> from, IReadOnlyList<long> to, string setup, bool throughput = true)
{
    var milliseconds = Milliseconds(from, to);
    var perSecond = from.Count / Seconds(to.Max() - from.Min());
    return $"| {what} | {Percentile(milliseconds, 0.5):N1} | {Percentile(milliseconds, 0.99):N1} | {milliseconds[^1]:N1} | {(throughput ? perSecond.ToString("N0", CultureInfo.InvariantCulture) : "")} | {setup} |";
}

// Each city's exits from the call to the ministry, and when its last was acknowledged and its last
// arrived (seconds after the first call of all): whether the relays serve the cities alike.
static string ByCity(IReadOnlyList<IReadOnlyList<int>> byCity, long[] sent, long[] acknowledged, IReadOnlyList<long> arrived)
{
    var first = sent.Min();
    return string.Join("; ", byCity.Select((exits, c) =>
    {
        var milliseconds = Milliseconds([.. exits.Select(i => sent[i])], [.. exits.Select(i => arrived[i])]);
        return $"{BenchTree.Cities[c].Id} p50 {Percentile(milliseconds, 0.5):N0} ms, max {milliseconds[^1]:N0} ms, " +
            $"last acknowledged at {Seconds(exits.Max(i => acknowledged[i]) - first):0.0} s, last arrived at {Seconds(exits.Max(i => arrived[i]) - first):0.0} s";
    })) + ".";
}

// Latencies from `from` to `to` (Stopwatch ticks, pairwise) in milliseconds, in order.
static List<double> Milliseconds(IReadOnlyList<long> from, IReadOnlyList<long> to) =>
    [.. from.Zip(to, (a, b) => Seconds(b - a) * 1000).Order()];

// Nearest rank.
static double Percentile(List<double> ordered, double p) => ordered[Math.Max(0, (int)Math.Ceiling(p * ordered.Count) - 1)];

static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

// Every exit arrived at the ministry exactly once, nothing else did, and the ministry counts
// what each city counts; returns what was checked, for the report.
static async Task<string> VerifyAsync(MinistryArrivals arrivals, FederationClient ministry, IReadOnlyList<FederationClient> clients)
{
    var missing = arrivals.Times.Count(t => t == 0);
    var twice = arrivals.Times.Count(t => t > 1);
    if (missing > 0 || twice > 0 || arrivals.Unexpected > 0)
    {
        throw new InvalidOperationException($"at the ministry: {missing} exits missing, {twice} arrived more than once, {arrivals.Unexpected} other changes");
    }
    var status = (await ministry.GetNodeStatusAsync()).Registration;
    if (status.FeedHead != arrivals.StartHead + arrivals.Times.Count)
    {
        throw new InvalidOperationException($"the ministry's feed went from {arrivals.StartHead} to {status.FeedHead}, not by {arrivals.Times.Count}");
    }
    long citiesValid = 0;
    for (var c = 0; c < clients.Count; c++)
    {
        var id = BenchTree.Cities[c].Id;
        var own = (await clients[c].GetNodeStatusAsync()).Registration.ValidToday.GetValueOrDefault(id);
        if (status.ValidToday.GetValueOrDefault(id) != own)
        {
            throw new InvalidOperationException($"the ministry counts {status.ValidToday.GetValueOrDefault(id)} valid registrations of {id}, the city {own}");
        }
        citiesValid += own;
    }
    var ministryValid = status.ValidToday.Values.Sum();
    if (ministryValid != citiesValid)
    {
        throw new InvalidOperationException($"the ministry counts {ministryValid} valid registrations, the cities {citiesValid}");
    }
    return $"every exit arrived at the ministry exactly once ({arrivals.Times.Count:N0}, counted by registration id; its feed grew by as many, no other change); " +
        $"registrations valid today at the ministry = the sum of the cities' = {ministryValid} (equal city by city).";
}
