using System.Globalization;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Tests.Reliability;

/// <summary>
/// The crash campaign (<see cref="CrashCampaign"/>, docs/reliability.md). Light mode (CI): one
/// tree, one kill in each phase in an order drawn from the fixed seed. Full mode, by hand
/// (tests/reliability/crash.sh): <c>FEDERATION_CRASH_KILLS</c> kills (a fresh tree every four
/// rounds of the phases), <c>FEDERATION_CRASH_SEED</c>, and the report appended to
/// <c>FEDERATION_CRASH_REPORT</c>: every kill, kills per phase, invariant checks, failures.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class CrashCampaignTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillNineAtRandomMoments_AcrossEveryPhase_LeavesEveryInvariantStanding()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("FEDERATION_CRASH_KILLS"), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0
            ? k : CrashCampaign.Phases.Length;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FEDERATION_CRASH_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 20261207;
        var report = Environment.GetEnvironmentVariable("FEDERATION_CRASH_REPORT");
        var random = new Random(seed);
        var started = DateTime.UtcNow;
        void Log(string line)
        {
            var stamped = $"{DateTime.UtcNow:HH:mm:ss} {line}";
            output.WriteLine(stamped);
            if (report is { Length: > 0 })
            {
                File.AppendAllText(report, stamped + Environment.NewLine);
            }
        }
        Log($"crash campaign: {kills} kills, seed {seed}, {Environment.ProcessorCount} cores");
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        int checks = 0, mid = 0, done = 0;
        while (done < kills)
        {
            // A fresh tree for four rounds of the phases (its periods are days after 2026-10-31, up to today).
            var plan = new List<string>();
            for (var round = 0; round < 4; round++)
            {
                var phases = CrashCampaign.Phases.ToArray();
                random.Shuffle(phases);
                plan.AddRange(phases);
            }
            plan = [.. plan.Take(kills - done)];
            var campaign = await CrashCampaign.StartAsync(random, 2000, Log);
            try
            {
                foreach (var phase in plan)
                {
                    done++;
                    await campaign.RunAsync(phase, done);
                }
            }
            catch (Exception ex) when (campaign.Failures.Count > 0 && kills > CrashCampaign.Phases.Length)
            {
                // Full mode: the failure is recorded; the campaign goes on with a fresh tree.
                Log($"round ended by the failure ({ex.GetType().Name}); a fresh tree follows");
            }
            finally
            {
                foreach (var (phase, n) in campaign.Kills)
                {
                    total[phase] = total.GetValueOrDefault(phase) + n;
                }
                failures.AddRange(campaign.Failures);
                checks += campaign.Checks;
                mid += campaign.MidOperation;
                await campaign.DisposeAsync();
            }
        }
        var summary = new StringBuilder();
        summary.AppendLine(CultureInfo.InvariantCulture, $"summary: {total.Values.Sum()} kills ({mid} mid-operation, the rest just after it ended) in {(DateTime.UtcNow - started).TotalMinutes:F0} min, {checks} invariant checks passed, {failures.Count} failure(s)");
        foreach (var phase in CrashCampaign.Phases)
        {
            summary.AppendLine(CultureInfo.InvariantCulture, $"  {phase,-14} {total.GetValueOrDefault(phase),4} kills");
        }
        foreach (var failure in failures)
        {
            summary.AppendLine("  FAILURE " + failure);
        }
        Log(summary.ToString().TrimEnd());
        Assert.Empty(failures);
    }
}
