using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Federation.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Node.Tests.Reliability;

/// <summary>
/// One fuzz input: corpus file <see cref="SeedName"/> mutated <see cref="Mutations"/> times by a
/// generator seeded with <see cref="Noise"/> (so FsCheck's shrinking can take mutations away).
/// </summary>
public sealed record FuzzCase(string SeedName, int Mutations, int Noise, byte[] Bytes)
{
    public override string ToString()
    {
        var preview = new StringBuilder();
        foreach (var b in Bytes.Take(1500))
        {
            preview.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        }
        return $"{SeedName} with {Mutations} mutation(s), noise {Noise}, {Bytes.Length} bytes: {preview}{(Bytes.Length > 1500 ? "…" : "")}";
    }
}

/// <summary>
/// Generative fuzzing (tests/reliability/README.md): each execution takes a file of the target's
/// seed corpus (<c>tests/reliability/corpus/&lt;target&gt;/</c>) and applies 0–12 random mutations —
/// bit flips, bytes set or inserted, ranges deleted or duplicated, the target's tokens (quotes,
/// separators, JSON keys, dates, huge numbers…) inserted, a splice of another seed, now and then a
/// 70 000-byte run — then runs the target's body, which asserts the target's invariant. The choices
/// (corpus file, number of mutations, the mutations' own seed) are drawn from one seeded
/// <see cref="Random"/>, so a seed replays the same inputs; a failing input is shrunk by taking
/// mutations away from the end (the fewest that still fail) and written under the temp directory
/// (<c>federation-fuzz-crashes/</c>) for the corpus. Light mode (CI): a few thousand executions
/// with a fixed seed. Full mode: set <c>FEDERATION_FUZZ_EXECUTIONS</c> (tests/reliability/fuzz.sh
/// does, 1 000 000) and optionally <c>FEDERATION_FUZZ_SEED</c>; figures go to
/// <c>FEDERATION_FUZZ_REPORT</c> when set. <c>FEDERATION_FUZZ_SECONDS</c> caps each target's time
/// (its line then says how many executions it reached).
/// </summary>
/// <remarks>
/// The loop is ours, not FsCheck's runner: profiled (docs/reliability.md), FsCheck resolved the
/// property's type-class instance under a lock on every execution — 28% of the CPU of a run — and
/// wrote each execution's arguments to the console. The inputs, the invariants and the shrinking
/// (mutations taken away) are what they were.
/// </remarks>
internal static class Fuzzer
{
    private static readonly byte[] Interesting = [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xE4, 0xEF, 0xBB, 0xBF, (byte)'"', (byte)',', (byte)'\n', (byte)'\r', (byte)'\t', (byte)'{', (byte)'}', (byte)':', (byte)'\\', (byte)' '];

    public static string CorpusDirectory(string target) => Path.Combine(RepoPaths.Root, "tests", "reliability", "corpus", target);

    /// <summary>The corpus of <paramref name="target"/>: every file of its directory, by name.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Corpus(string target) =>
        [.. Directory.EnumerateFiles(CorpusDirectory(target)).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];

    /// <summary>Executions of this run: <c>FEDERATION_FUZZ_EXECUTIONS</c>, or <paramref name="light"/>.</summary>
    public static int Executions(int light) =>
        int.TryParse(Environment.GetEnvironmentVariable("FEDERATION_FUZZ_EXECUTIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : light;

    /// <summary>A scratch directory for files a target reads: in memory (/dev/shm) where there is one.</summary>
    public static TempDirectory Scratch() => new(Directory.Exists("/dev/shm") ? "/dev/shm/federation-fuzz" : "federation-fuzz");

    /// <summary>Runs <paramref name="body"/> on generated inputs until the executions are done or one fails (then throws, with the shrunk input).</summary>
    public static void Run(string target, int lightExecutions, IReadOnlyList<string> tokens, Action<FuzzCase> body, ITestOutputHelper output)
    {
        var corpus = Corpus(target);
        Assert.NotEmpty(corpus);
        var tokenBytes = tokens.Select(Encoding.UTF8.GetBytes).ToArray();
        var executions = Executions(lightExecutions);
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("FEDERATION_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 20261207UL;
        var random = new Random((int)(seed % int.MaxValue));
        long ran = 0;
        (FuzzCase Case, Exception Error)? failed = null;
        var budget = Budget();
        var stopwatch = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        try
        {
            while (ran < executions && (budget is null || stopwatch.Elapsed < budget))
            {
                var index = random.Next(corpus.Count);
                var mutations = random.Next(0, 13);
                var noise = random.Next(0, int.MaxValue);
                var c = Make(corpus, tokenBytes, index, mutations, noise);
                ran++;
                try
                {
                    body(c);
                }
                catch (Exception ex)
                {
                    failed = Shrink(corpus, tokenBytes, index, c, ex, body);
                    Save(target, failed.Value.Case);
                    break;
                }
            }
        }
        finally
        {
            stopwatch.Stop();
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{target}: {ran} executions in {stopwatch.Elapsed.TotalSeconds:F1} s ({ran / Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001):F0}/s; {cpu:F1} s of CPU, {ran / Math.Max(cpu, 0.001):F0} per CPU-second), seed {seed}, corpus {corpus.Count} files, {(failed is null ? "no failure" : "FAILED (input saved under " + CrashDirectory + ")")}{(failed is null && ran < executions ? $"; stopped by FEDERATION_FUZZ_SECONDS={budget!.Value.TotalSeconds:F0} at {ran} of {executions}" : "")}");
            output.WriteLine(line);
            if (Environment.GetEnvironmentVariable("FEDERATION_FUZZ_REPORT") is { Length: > 0 } report)
            {
                File.AppendAllText(report, line + Environment.NewLine);
            }
        }
        if (failed is { } f)
        {
            throw new Xunit.Sdk.XunitException($"{target}, seed {seed}, execution {ran}: {f.Case}\n{f.Error}");
        }
        if (budget is null)
        {
            Assert.Equal(executions, ran);
        }
    }

    // A time budget per target for the full run on a shared machine (FEDERATION_FUZZ_SECONDS): a
    // target stops there and its line says how far it got, instead of being killed with no figure.
    private static TimeSpan? Budget() =>
        double.TryParse(Environment.GetEnvironmentVariable("FEDERATION_FUZZ_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds) : null;

    // The fewest mutations (a prefix of the failing input's: the same noise draws the same ones) that still fail.
    private static (FuzzCase, Exception) Shrink(IReadOnlyList<(string Name, byte[] Bytes)> corpus, byte[][] tokens, int index, FuzzCase failing, Exception error, Action<FuzzCase> body)
    {
        for (var m = 0; m < failing.Mutations; m++)
        {
            var smaller = Make(corpus, tokens, index, m, failing.Noise);
            try
            {
                body(smaller);
            }
            catch (Exception ex)
            {
                return (smaller, ex);
            }
        }
        return (failing, error);
    }

    private static string CrashDirectory => Path.Combine(Path.GetTempPath(), "federation-fuzz-crashes");

    private static void Save(string target, FuzzCase c)
    {
        Directory.CreateDirectory(CrashDirectory);
        var name = $"{target}-{Convert.ToHexStringLower(SHA256.HashData(c.Bytes))[..12]}-{c.SeedName}";
        File.WriteAllBytes(Path.Combine(CrashDirectory, name), c.Bytes);
    }

    private static FuzzCase Make(IReadOnlyList<(string Name, byte[] Bytes)> corpus, byte[][] tokens, int index, int mutations, int noise)
    {
        var random = new Random(noise);
        var data = new List<byte>(corpus[index].Bytes);
        for (var i = 0; i < mutations; i++)
        {
            var at = random.Next(data.Count + 1);
            switch (random.Next(50))
            {
                case < 5 when data.Count > 0:
                    at = Math.Min(at, data.Count - 1);
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case < 10 when data.Count > 0:
                    data[Math.Min(at, data.Count - 1)] = Interesting[random.Next(Interesting.Length)];
                    break;
                case < 14:
                    for (var n = random.Next(1, 5); n > 0; n--)
                    {
                        data.Insert(at, (byte)random.Next(256));
                    }
                    break;
                case < 20 when data.Count > 0:
                    data.RemoveRange(Math.Min(at, data.Count - 1), Math.Min(random.Next(1, 17), data.Count - Math.Min(at, data.Count - 1)));
                    break;
                case < 34 when tokens.Length > 0:
                    data.InsertRange(at, tokens[random.Next(tokens.Length)]);
                    break;
                case < 40 when data.Count > 0:
                    var from = random.Next(data.Count);
                    var length = Math.Min(random.Next(1, 65), data.Count - from);
                    data.InsertRange(at, data.GetRange(from, length));
                    break;
                case < 45:
                    var other = corpus[random.Next(corpus.Count)].Bytes;
                    if (other.Length > 0)
                    {
                        var start = random.Next(other.Length);
                        data.RemoveRange(at, data.Count - at);
                        data.AddRange(other.AsSpan(start, random.Next(other.Length - start + 1)).ToArray());
                    }
                    break;
                case 45:
                    // A runaway value or line: past the readers' 64 Ki-character limit (inserted at
                    // once: an enumerable would be inserted byte by byte, each moving the tail).
                    var value = "a\",{"u8[random.Next(4)];
                    var run = new byte[random.Next(1, 70_000)];
                    Array.Fill(run, value);
                    data.InsertRange(at, run);
                    break;
                default:
                    data.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
            }
        }
        return new FuzzCase(corpus[index].Name, mutations, noise, [.. data]);
    }
}
