
namespace Federation.Node.Exchange;

/// <summary>
/// Keeps a parent's long-lived stream to a child open (the registration links, the audit witness): a
/// lost stream is reopened after a back-off of 1 s doubling to 30 s, back to 1 s once the stream had
/// connected since the last failure; a stream that ends normally is reopened at once.
/// </summary>
internal static class ChildStreams
{
    internal static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    /// <param name="run">Opens the stream and follows it until it fails.</param>
    /// <param name="connections">How many times the stream has connected, to see whether it did since the last failure.</param>
    /// <param name="lost">Told the reason of each failure and the wait before the next attempt.</param>
    /// <param name="time">The clock the back-off waits on.</param>
    /// <param name="stop">Ends the loop (the node stopping).</param>
    public static async Task KeepAsync(Func<CancellationToken, Task> run, Func<int> connections, Action<string, TimeSpan> lost, TimeProvider time, CancellationToken stop)
    {
        var delay = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            var before = connections();
            try
            {
                await run(stop);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                if (connections() != before)
                {
                    delay = FirstRetry;
                }
                lost(Reason(ex), delay);
                try
                {
                    await Task.Delay(delay, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = delay * 2 > LastRetry ? LastRetry : delay * 2;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>What went wrong, for status and the log: a call's status and detail, or the exception's message.</summary>
    public static string Reason(Exception ex) => ex is RpcException rpc ? ChildFailure.Describe(rpc) : ex.Message;
}
