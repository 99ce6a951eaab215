using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Federation.Testing;

/// <summary>
/// The one polling loop of the tests, for what a test cannot be told and must ask until it holds
/// (a real daemon's status, a file a node writes, a metric recorded just after the answer): asks,
/// and asks again after <c>interval</c> (100 ms unless given), for at most <c>patience</c>, then
/// fails with a <see cref="TimeoutException"/> that says what it waited for, how long, where it
/// was called and the last answer it had. The probe is always asked at least once; an exception
/// from the probe ends the wait (a probe that expects failures while it waits catches them).
/// Patience is measured on a <see cref="Stopwatch"/>, not the wall clock a test may have moved.
/// </summary>
public static class Poll
{
    /// <summary>The pause between two questions unless a caller gives its own.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Asks <paramref name="probe"/> until <paramref name="done"/> holds for its answer, and returns that answer.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan patience, string what, TimeSpan? interval = null,
        [CallerFilePath] string? filePath = null, [CallerLineNumber] int lineNumber = 0)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await probe();
            if (done(answer))
            {
                return answer;
            }
            if (clock.Elapsed >= patience)
            {
                throw new TimeoutException($"{what}: not within {patience.TotalSeconds:0.#} s (polled at {Path.GetFileName(filePath)}:{lineNumber}); the last answer was: {Describe(answer)}");
            }
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Asks <paramref name="probe"/> until it answers something (not null), and returns it.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan patience, string what, TimeSpan? interval = null,
        [CallerFilePath] string? filePath = null, [CallerLineNumber] int lineNumber = 0) where T : class =>
        (await UntilAsync(probe, answer => answer is not null, patience, what, interval, filePath, lineNumber))!;

    /// <summary>Asks <paramref name="probe"/> until it answers true.</summary>
    public static Task UntilAsync(Func<Task<bool>> probe, TimeSpan patience, string what, TimeSpan? interval = null,
        [CallerFilePath] string? filePath = null, [CallerLineNumber] int lineNumber = 0) =>
        UntilAsync(probe, answer => answer, patience, what, interval, filePath, lineNumber);

    /// <summary>Checks <paramref name="condition"/> (something in this process) until it holds.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan patience, string what, TimeSpan? interval = null,
        [CallerFilePath] string? filePath = null, [CallerLineNumber] int lineNumber = 0) =>
        UntilAsync(() => Task.FromResult(condition()), answer => answer, patience, what, interval, filePath, lineNumber);

    private static string Describe<T>(T answer) => answer switch
    {
        null => "nothing",
        string text => text.Length > 2000 ? text[..2000] + " …" : text,
        _ => answer.ToString() ?? "",
    };
}
