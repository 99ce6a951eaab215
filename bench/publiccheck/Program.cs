using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Federation.Client;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;

// Issue 20 item 4: can a stranger tell, by how long the anonymous public check takes, a
// certificate number that exists (asked with a wrong name) from one that does not? Both answer
// "not genuine" with the same bytes; only the time could differ. A real tree of node processes of
// this build (mutual TLS between them, as the end-to-end tests start them): city-440100 with a
// generated, sealed export, province-440000 and the ministry, each parent holding its child's
// snapshot. Each run sends pairs of checks — an existing number in force with a wrong name, and a
// number of the same county that does not exist — in a random order within the pair, after a
// warm-up, one at a time, anonymously (no client certificate), and times each at the caller.
// Reports per node: the medians, the median of the pairs' differences (existing − missing), how
// many pairs the existing number was the slower, and the two-sided sign test's p-value.
// Usage: dotnet Federation.Bench.PublicCheck.dll <pairs> <persons> <work directory>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Federation.Bench.PublicCheck <pairs> <persons> <work directory>");
    return 2;
}
var pairs = int.Parse(args[0], CultureInfo.InvariantCulture);
var persons = int.Parse(args[1], CultureInfo.InvariantCulture);
var work = Path.GetFullPath(args[2]);
Directory.CreateDirectory(work);
const string Period = "2026-10-31";

// The checks are the point: no rate limit in the way; the log at the production default.
JsonObject Extra(JsonArray? children) => new()
{
    ["Security"] = new JsonObject { ["CrlPath"] = TestPki.For(work).CrlPath, ["PublicCheckPerMinute"] = 1_000_000, ["PublicCheckBurst"] = 1_000_000 },
    ["Log"] = new JsonObject { ["Directory"] = "logs", ["MinimumLevel"] = "Information" },
    ["Exchange"] = new JsonObject { ["Enabled"] = false },
    ["Children"] = children ?? [],
};
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
await using var province = await NodeProcess.StartAsync(work, "province-440000", "province", "440000", Extra(Child("city-440100", "440100", city)));
await ResyncAsync(province);
await using var ministry = await NodeProcess.StartAsync(work, "ministry", "ministry", "000000", Extra(Child("province-440000", "440000", province)));
await ResyncAsync(ministry);

var certificates = ExportFiles.ReadRows(export, "certificates").ToList();
var known = certificates.Select(c => c["certificate_number"]).ToHashSet(StringComparer.Ordinal);
var existing = certificates.Where(c => c["cancel_date"] == "" && c["valid"] == "1" && c["certificate_number"].Length == 16)
    .Select(c => c["certificate_number"]).ToList();
// Numbers of the same county and years that no one holds: the sequence moved past any issued.
var missing = existing.Select(n => n[..10] + (900000 + (int.Parse(n[10..], CultureInfo.InvariantCulture) % 99999)).ToString("D6", CultureInfo.InvariantCulture))
    .Where(n => !known.Contains(n)).Distinct().ToList();
Console.Error.WriteLine($"{existing.Count} numbers in force, {missing.Count} that do not exist");

Console.WriteLine($"# Public check timing probe — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();
Console.WriteLine($"{pairs} pairs per node (existing number + wrong name vs a number that does not exist, random order within each pair, one call at a time, anonymous, after 200 warm-up calls); a city of {persons} persons.");
Console.WriteLine();
Console.WriteLine("| entered at | existing p50 ms | missing p50 ms | median difference µs | existing slower | sign test p |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
var worst = 1.0;
foreach (var (label, node) in new[] { ("city-440100 (0 hops)", city), ("ministry (2 hops)", ministry) })
{
    var (line, p) = await ProbeAsync(node);
    Console.WriteLine($"| {label} | {line}");
    worst = Math.Min(worst, p);
}
Console.WriteLine();
Console.WriteLine(worst < 0.01 ? "Significant at p = 0.01: the timing tells the two apart." : "Not significant at p = 0.01 at any node.");
return 0;

async Task<(string Line, double P)> ProbeAsync(NodeProcess node)
{
    using var client = new FederationClient(new FederationClientOptions
    {
        Address = node.Address.ToString(), ServerCertificateAuthority = node.Pki.Authority, MaxRetries = 0,
    });
    var random = new Random(20);
    async Task<double> TimeAsync(string number)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await client.PublicCheckAsync(number, "王某某");
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (answer.Genuine || answer.Freshness != Freshness.Unspecified)
        {
            throw new InvalidOperationException($"a wrong name or a missing number was answered {answer}");
        }
        return elapsed;
    }
    for (var i = 0; i < 200; i++)
    {
        await TimeAsync(i % 2 == 0 ? existing[random.Next(existing.Count)] : missing[random.Next(missing.Count)]);
    }
    var results = new List<(double Existing, double Missing)>(pairs);
    for (var i = 0; i < pairs; i++)
    {
        var e = existing[random.Next(existing.Count)];
        var m = missing[random.Next(missing.Count)];
        double te, tm;
        if (random.Next(2) == 0)
        {
            te = await TimeAsync(e);
            tm = await TimeAsync(m);
        }
        else
        {
            tm = await TimeAsync(m);
            te = await TimeAsync(e);
        }
        results.Add((te, tm));
    }
    var differences = results.Select(r => r.Existing - r.Missing).ToList();
    var slower = differences.Count(d => d > 0);
    var faster = differences.Count(d => d < 0);
    var p = SignTest(slower, slower + faster);
    return (string.Create(CultureInfo.InvariantCulture,
        $"{Median(results.Select(r => r.Existing)):F3} | {Median(results.Select(r => r.Missing)):F3} | {Median(differences) * 1000:F0} | {slower} of {slower + faster} | {p:G3} |"), p);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

// Two-sided exact sign test: P(a split at least as uneven as k of n under Binomial(n, ½)).
static double SignTest(int k, int n)
{
    if (n == 0)
    {
        return 1;
    }
    var tail = Math.Min(k, n - k);
    double LogChoose(int a, int b) => LogFactorial(a) - LogFactorial(b) - LogFactorial(a - b);
    var sum = 0.0;
    for (var i = 0; i <= tail; i++)
    {
        sum += Math.Exp(LogChoose(n, i) - n * Math.Log(2));
    }
    return Math.Min(1, 2 * sum);
}

static double LogFactorial(int n)
{
    var sum = 0.0;
    for (var i = 2; i <= n; i++)
    {
        sum += Math.Log(i);
    }
    return sum;
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
