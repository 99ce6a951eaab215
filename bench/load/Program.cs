using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Federation.Client;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Grpc.Core;

// Issue 25 item 3: does a province stay within its configured bounds under load? A real tree of
// node processes of this build (mutual TLS between them and to every caller, as the end-to-end
// tests start them): city-440100 with a generated, sealed export, province-440000 holding its
// snapshot in a merged period, the ministry above. Against the province, for <seconds>:
//   - <verifiers> verification clients, each calling VerifyCertificate (a certificate in force,
//     routed live to the city) again as soon as it is answered, over <connections> TLS
//     connections as the tester account;
//   - <streams> snapshot streams as the ministry (the province's parent), each reading the
//     province's merged period to its end and starting again; a tenth of them read slowly
//     (a pause after every chunk), as a parent on a thin line would.
// Two phases on the same tree: the province with the default cap on snapshot streams
// (Exchange:MaxSnapshotStreams, 8: the streams beyond it are refused with RESOURCE_EXHAUSTED and
// retry a second later), then restarted with a cap above <streams> (every stream admitted).
// Reports per phase: calls, failures by status code, p50/p99, streams completed and refused, and
// the province's resident memory (VmRSS) sampled every second. Exit 1 when any call failed with a
// status other than the documented cap's RESOURCE_EXHAUSTED on a snapshot stream.
// Usage: dotnet Federation.Bench.Load.dll <seconds> <verifiers> <streams> <connections> <persons> <work directory>
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: Federation.Bench.Load <seconds> <verifiers> <streams> <connections> <persons> <work directory>");
    return 2;
}
var seconds = int.Parse(args[0], CultureInfo.InvariantCulture);
var verifiers = int.Parse(args[1], CultureInfo.InvariantCulture);
var streamCount = int.Parse(args[2], CultureInfo.InvariantCulture);
var connections = Math.Clamp(int.Parse(args[3], CultureInfo.InvariantCulture), 1, verifiers);
var persons = int.Parse(args[4], CultureInfo.InvariantCulture);
var work = Path.GetFullPath(args[5]);
Directory.CreateDirectory(work);
const string Period = "2026-10-31";
var slowPause = TimeSpan.FromMilliseconds(500);

JsonObject Extra(JsonArray? children, int? maxStreams = null)
{
    var exchange = new JsonObject { ["Enabled"] = false };
    if (maxStreams is { } cap)
    {
        exchange["MaxSnapshotStreams"] = cap;
    }
    return new JsonObject
    {
        ["Security"] = new JsonObject { ["CrlPath"] = TestPki.For(work).CrlPath },
        // The production default: a Debug log of 1,000 callers would measure the log.
        ["Log"] = new JsonObject { ["Directory"] = "logs", ["MinimumLevel"] = "Information" },
        ["Exchange"] = exchange,
        ["Children"] = children ?? [],
    };
}
JsonArray Child(string id, string code, NodeProcess node) =>
    [new JsonObject { ["Id"] = id, ["DivisionCode"] = code, ["Address"] = node.Address.ToString() }];

Console.Error.WriteLine($"generating {persons} persons, importing, sealing...");
var export = Path.Combine(work, "export");
ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = persons, Seed = 1 }, export);
var cityConfig = await NodeProcess.WriteConfigAsync(work, "city-440100", "city", "440100", Extra(null));
await using (var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", cityConfig, export, "--seal", Period]))
{
    if (await ingest.WaitForExitAsync(TimeSpan.FromMinutes(10)) != 0)
    {
        Console.Error.WriteLine(ingest.Output);
        return 1;
    }
}
await using var city = await NodeProcess.StartAsync(cityConfig, "city-440100");
var province = await NodeProcess.StartAsync(work, "province-440000", "province", "440000", Extra(Child("city-440100", "440100", city)));
await ResyncAsync(province);
await using var ministry = await NodeProcess.StartAsync(work, "ministry", "ministry", "000000", Extra(Child("province-440000", "440000", province)));
await ResyncAsync(ministry);

var numbers = ExportFiles.ReadRows(export, "certificates")
    .Where(c => c["cancel_date"] == "" && c["valid"] == "1" && c["certificate_number"].Length == 16)
    .Select(c => c["certificate_number"]).ToList();
var tester = province.Pki.Load(TestPki.Tester);
var parent = province.Pki.Load("ministry");
Console.Error.WriteLine($"{numbers.Count} certificates in force; load for {seconds} s per phase");

var phases = new List<Phase>();
try
{
    phases.Add(await RunPhaseAsync("default cap (8 streams)", province));
    // The same tree, the province restarted with every stream admitted: what 50 streams cost.
    province.Signal("TERM");
    await province.Process.WaitForExitAsync(TimeSpan.FromMinutes(1));
    var cap = Math.Max(streamCount, 1);
    await NodeProcess.EditConfigAsync(province.ConfigPath, c => c["Exchange"]!["MaxSnapshotStreams"] = cap);
    var restarted = await province.RestartAsync("province-440000");
    await province.DisposeAsync();
    province = restarted;
    phases.Add(await RunPhaseAsync($"cap {cap} (every stream admitted)", province));
}
finally
{
    await province.DisposeAsync();
}

Console.WriteLine($"# Load on a province — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();
Console.WriteLine($"{verifiers} verification clients (VerifyCertificate of a certificate in force, routed live to the city; {connections} mutual-TLS connections) and {streamCount} snapshot streams as the parent (packed, 1,000 records per chunk; {streamCount / 10} of them pausing {slowPause.TotalMilliseconds:F0} ms after every chunk) against province-440000 for {seconds} s per phase; a city of {persons} persons ({numbers.Count} certificates in force), the province's merged period {Period}.");
Console.WriteLine();
Console.WriteLine("| phase | verifications answered | per s | p50 ms | p99 ms | failed (status) | streams read to the end | chunks | refused at the cap | other stream failures | province RSS before / max / after, MiB |");
Console.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|---:|---|---|");
foreach (var phase in phases)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {phase.Name} | {phase.Answered:N0} | {phase.Answered / (double)seconds:F0} | {phase.P50:F1} | {phase.P99:F1} | {Describe(phase.VerifyFailures)} | {phase.StreamsCompleted:N0} | {phase.Chunks:N0} | {phase.StreamsRefused:N0} | {Describe(phase.StreamFailures)} | {phase.RssBefore} / {phase.Rss.Max(s => s.MiB)} / {phase.RssAfter} |"));
}
foreach (var phase in phases)
{
    Console.WriteLine();
    Console.WriteLine($"Province RSS (MiB) every 5 s, {phase.Name}: {string.Join(", ", phase.Rss.Where((_, i) => i % 5 == 0).Select(s => s.MiB.ToString(CultureInfo.InvariantCulture)))}");
    foreach (var (what, detail) in phase.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
    {
        Console.WriteLine();
        Console.WriteLine($"First {what} failure, {phase.Name}: {detail}");
    }
}
var unexpected = phases.Sum(p => p.VerifyFailures.Values.Sum() + p.StreamFailures.Values.Sum());
Console.WriteLine();
Console.WriteLine(unexpected == 0
    ? "No call failed beyond the documented cap (RESOURCE_EXHAUSTED on snapshot streams beyond Exchange:MaxSnapshotStreams)."
    : $"{unexpected} calls failed beyond the documented cap.");
return unexpected == 0 ? 0 : 1;

async Task<Phase> RunPhaseAsync(string name, NodeProcess node)
{
    Console.Error.WriteLine($"phase: {name}");
    var channels = Enumerable.Range(0, connections).Select(_ => node.Channel(tester)).ToList();
    var streamChannels = Enumerable.Range(0, streamCount).Select(_ => node.Channel(parent)).ToList();
    try
    {
        // Every connection opened (TLS handshake, account) before the clock starts.
        await Parallel.ForEachAsync(channels, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (channel, ct) =>
            await new Verification.VerificationClient(channel).VerifyCertificateAsync(new VerifyCertificateRequest { CertificateNumber = numbers[0] }, deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: ct));
        var pid = node.Process.Id;
        var before = Rss(pid);
        var phase = new Phase(name) { RssBefore = before };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var sampler = Task.Run(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            while (!stop.IsCancellationRequested)
            {
                phase.Rss.Add((Stopwatch.GetElapsedTime(started).TotalSeconds, Rss(pid)));
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        var latencies = new ConcurrentBag<List<double>>();
        var verifyTasks = Enumerable.Range(0, verifiers).Select(i => Task.Run(async () =>
        {
            var client = new Verification.VerificationClient(channels[i % connections]);
            var random = new Random(i);
            var mine = new List<double>();
            latencies.Add(mine);
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.VerifyCertificateAsync(new VerifyCertificateRequest { CertificateNumber = numbers[random.Next(numbers.Count)] },
                        deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: stop.Token);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                }
                catch (RpcException ex)
                {
                    phase.VerifyFailures.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
                    phase.Details.TryAdd($"verification {ex.StatusCode}", ex.Status.Detail);
                }
            }
        })).ToList();
        var streamTasks = Enumerable.Range(0, streamCount).Select(i => Task.Run(async () =>
        {
            var client = new Federation.Protocol.V1.Exchange.ExchangeClient(streamChannels[i]);
            var slow = i < streamCount / 10;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var call = client.StreamSnapshot(new StreamSnapshotRequest { Period = Period, Packed = true }, cancellationToken: stop.Token);
                    var ended = false;
                    await foreach (var chunk in call.ResponseStream.ReadAllAsync(stop.Token))
                    {
                        Interlocked.Increment(ref phase.Chunks);
                        ended = chunk.End is not null;
                        if (slow)
                        {
                            await Task.Delay(slowPause, stop.Token);
                        }
                    }
                    if (ended)
                    {
                        Interlocked.Increment(ref phase.StreamsCompleted);
                    }
                }
                catch (Exception ex) when (stop.IsCancellationRequested && ex is RpcException or OperationCanceledException)
                {
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted && ex.Status.Detail.Contains("Exchange:MaxSnapshotStreams", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref phase.StreamsRefused);
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                catch (RpcException ex)
                {
                    phase.StreamFailures.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
                    phase.Details.TryAdd($"{(slow ? "slow" : "fast")} stream {ex.StatusCode}", ex.Status.Detail);
                }
            }
        })).ToList();
        await Task.WhenAll(verifyTasks.Concat(streamTasks).Append(sampler));
        var all = latencies.SelectMany(l => l).Order().ToList();
        phase.Answered = all.Count;
        phase.P50 = Percentile(all, 0.50);
        phase.P99 = Percentile(all, 0.99);
        // What the province holds once the load has gone (the runtime keeps some of its heap).
        await Task.Delay(TimeSpan.FromSeconds(5));
        phase.RssAfter = Rss(pid);
        return phase;
    }
    finally
    {
        foreach (var channel in channels.Concat(streamChannels))
        {
            channel.Dispose();
        }
    }
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static string Describe(ConcurrentDictionary<StatusCode, long> failures) =>
    failures.IsEmpty ? "none" : string.Join(", ", failures.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}"));

// The process's resident set (VmRSS), MiB.
static long Rss(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        }
    }
    throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
}

static async Task ResyncAsync(NodeProcess parent)
{
    using var client = new FederationClient(new FederationClientOptions
    {
        Address = parent.Address.ToString(), ServerCertificateAuthority = parent.Pki.Authority, ClientCertificate = parent.Pki.Load(TestPki.Tester),
    });
    var operation = await client.TriggerResyncAsync();
    var deadline = DateTime.UtcNow.AddMinutes(5);
    while (operation.State == OperationState.Running && DateTime.UtcNow < deadline)
    {
        await Task.Delay(100);
        operation = await client.GetOperationAsync(operation.Id);
    }
    if (operation.State != OperationState.Succeeded)
    {
        throw new InvalidOperationException($"the resync at {parent.Address} ended {operation.State}: {operation}");
    }
}

/// <summary>What one phase measured.</summary>
internal sealed class Phase(string name)
{
    public string Name { get; } = name;
    public long Answered { get; set; }
    public double P50 { get; set; }
    public double P99 { get; set; }
    public ConcurrentDictionary<StatusCode, long> VerifyFailures { get; } = new();
    public ConcurrentDictionary<StatusCode, long> StreamFailures { get; } = new();
    public ConcurrentDictionary<string, string> Details { get; } = new(StringComparer.Ordinal);
#pragma warning disable CA1051 // counted with Interlocked
    public long StreamsCompleted;
    public long StreamsRefused;
    public long Chunks;
#pragma warning restore CA1051
    public long RssBefore { get; set; }
    public long RssAfter { get; set; }
    public List<(double Seconds, long MiB)> Rss { get; } = []; // the sampler alone writes it
}
