using Federation.Testing;
using Xunit;

namespace Federation.Tests.Node;

/// <summary>The README's main command, run as a process on a copy of the demo tree (its stores land in the copy).</summary>
[Collection(RunsAlone.Name)]
public sealed class DemoTests
{
    private static string DemoDll => RepoPaths.ProjectOutput("src/Demo", "Federation.Demo.dll");

    [Fact]
    public async Task Demo_RunsTheTreeEndToEnd_AndPrintsTheSummaryAndARoutedVerification()
    {
        using var directory = new TempDirectory();
        var tree = Directory.CreateDirectory(Path.Combine(directory.Path, "config", "demo-tree")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", "demo-tree"), "*.json"))
        {
            File.Copy(file, Path.Combine(tree, Path.GetFileName(file)));
        }

        await using var demo = ExternalProcess.Start("dotnet", [DemoDll, "--tree", tree, "--persons", "300", "--exit"], workingDirectory: directory.Path);
        // A guard against a hang, not a speed target: seven nodes, four imports and a quarterly
        // report on a busy 2-core machine took over 3 minutes (a clean-clone run beside five builds).
        var exitCode = await demo.WaitForExitAsync(TimeSpan.FromMinutes(10));

        Assert.True(exitCode == 0, demo.Output);
        var output = demo.Output;
        // The demo seals the period cities owe today (R-3: the month's end is due on the 5th, the
        // 15th on the 20th), so that no node of a healthy demo is LATE.
        var period = DuePeriod(DateOnly.FromDateTime(DateTime.Now)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"period {period}.", output, StringComparison.Ordinal);
        foreach (var node in new[] { "ministry", "province-440000", "province-320000", "city-440100", "city-440300", "city-320100", "city-320200" })
        {
            Assert.Matches($@"(?m)^{node} +\w+ +{period} +[\d,]+ +\d+ +[0-9a-f]{{64}}$", output);
        }
        // Three workers registered in two cities of each province: three findings each, six at the ministry.
        Assert.Matches($@"(?m)^ministry +ministry +{period} +[\d,]+ +6 ", output);
        Assert.Matches(@"route ministry → province-\d+ → city-\d+ \(2 hops\), live", output);
        Assert.Contains("records at city-", output, StringComparison.Ordinal);
        // Each city's seal is printed once (issue 22: the node's in-process log printed it too).
        foreach (var city in new[] { "city-440100", "city-440300", "city-320100", "city-320200" })
        {
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, $@"(?im)^.*\b{city}\b.*\bsealed\b.*$"));
        }
        Assert.True(File.Exists(Path.Combine(directory.Path, "data", "demo", "ministry.db")), "the demo's stores belong beside its tree");
        // The registration service: down, decided, back up, and an exit the same day; R-17's refusal.
        Assert.Matches(@"submitted at ministry: application A\d{16}, ", output);
        Assert.Matches(@"reached city-\d+ in \d+ ms", output);
        Assert.Matches(@"accepted at city-\d+ \(registration WS\d{16}, contact due by \d{4}-\d\d-\d\d\); the decision was at ministry \d+ ms later", output);
        Assert.Contains("refusing public employment services 3 times is not a reason to cancel a registration (R-17)", output, StringComparison.Ordinal);
        Assert.Matches(@"and its exit at city-\d+ \(employed, \d{4}-\d\d-\d\d\): at ministry \d+ ms later", output);
        // Issue 21's cases from the generator: a backlog entered with its days, the same exit twice,
        // one person registering in a second city (as the city answered), and an application for 东莞,
        // which has no node in the demo tree.
        Assert.Matches(@"application A\d{16} received \d{4}-\d\d-\d\d \(decision due by \d{4}-\d\d-\d\d\)", output);
        Assert.Matches(@"accepted on \d{4}-\d\d-\d\d: registration WS\d{16} from that day, contact due by \d{4}-\d\d-\d\d", output);
        Assert.Matches(@"worker contacted \d{4}-\d\d-\d\d: within the deadline", output);
        Assert.Matches(@"delivered again \(a retry after a lost answer\): answered cancelled \d{4}-\d\d-\d\d \(employed\); nothing recorded twice", output);
        Assert.Matches(@"registered locally at city-440100 \(\S+, from \d{4}-\d\d-\d\d\), known at ministry and in city-320100's index", output);
        Assert.Matches(@"the same person registered locally at city-320100 too: refused \(\w+\) — .*already registered in 广州市", output);
        Assert.Contains("application for 东莞 (441900) at ministry: refused at submission (FailedPrecondition) — no node serves 441900 (东莞市)", output, StringComparison.Ordinal);
        // The web pages' addresses (issue 24): the public check, the agencies', a desk and the console.
        Assert.Matches(@"public certificate check \(真伪查验, national\): https://127\.0\.0\.1:\d+/check", output);
        Assert.Matches(@"agency verification \(sign in as demo-operator .*\): https://127\.0\.0\.1:\d+/verify", output);
        Assert.Matches(@"a local office's registration desk \(city-\d{6}, the same account\): https://127\.0\.0\.1:\d+/desk", output);
        Assert.Matches(@"the ministry's operator console \(the same account\): https://127\.0\.0\.1:\d+/console", output);
        // And a sample quarterly report, written beside the demo's stores.
        var report = System.Text.RegularExpressions.Regex.Match(output, @"Quarterly report (\d{4}Q[1-4]) of ministry from sealed period " + period);
        Assert.True(report.Success, output);
        var html = Path.Combine(directory.Path, "data", "demo", "run", $"report-ministry-{report.Groups[1].Value}.html");
        Assert.Contains("<svg", File.ReadAllText(html), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.ChangeExtension(html, ".xlsx")));
        // The printed commands are set up by one export line naming the demo's CA and operator.
        Assert.Matches(@"export FEDCTL_NODE=https://127\.0\.0\.1:7200 FEDCTL_CA=\S+ca\.pem FEDCTL_CERT=\S+demo-operator\.pem FEDCTL_KEY=\S+demo-operator\.key", output);
    }

    // Issue 12: the ministry on PostgreSQL with one flag, from the demo's own throwaway cluster —
    // the same tree, and the same ministry digest as on SQLite (the data is seeded).
    [Fact]
    public async Task Demo_WithMinistryOnPostgres_SealsTheSameMinistryDigest()
    {
        var digests = new List<string>();
        foreach (var flags in new[] { Array.Empty<string>(), ["--ministry-postgresql"] })
        {
            using var directory = new TempDirectory();
            var tree = Directory.CreateDirectory(Path.Combine(directory.Path, "config", "demo-tree")).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", "demo-tree"), "*.json"))
            {
                File.Copy(file, Path.Combine(tree, Path.GetFileName(file)));
            }
            await using var demo = ExternalProcess.Start("dotnet", [DemoDll, "--tree", tree, "--persons", "100", "--exit", .. flags], workingDirectory: directory.Path);
            Assert.True(await demo.WaitForExitAsync(TimeSpan.FromMinutes(10)) == 0, demo.Output);
            Assert.Equal(flags.Length > 0, demo.Output.Contains("The ministry's store is on PostgreSQL", StringComparison.Ordinal));
            digests.Add(System.Text.RegularExpressions.Regex.Match(demo.Output, @"(?m)^ministry +ministry +\S+ +[\d,]+ +6 +([0-9a-f]{64})$").Groups[1].Value);
            Assert.False(Directory.Exists(Path.Combine(directory.Path, "data", "demo", "postgresql")), "the demo's cluster is gone with it");
        }
        Assert.Equal(64, digests[0].Length);
        Assert.Equal(digests[0], digests[1]);
    }

    // R-3 for cities, written out here independently of the node's calendar.
    private static DateOnly DuePeriod(DateOnly today) => today.Day switch
    {
        >= 20 => new DateOnly(today.Year, today.Month, 15),
        >= 5 => new DateOnly(today.Year, today.Month, 1).AddDays(-1),
        _ => new DateOnly(today.Year, today.Month, 1).AddMonths(-1).AddDays(14),
    };
}
