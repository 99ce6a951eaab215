using System.Diagnostics;
using Federation.Protocol.V1;

namespace Federation.Bench.Registration;

/// <summary>
/// When each exit reaches the ministry: the ministry's change feed after its head at the start,
/// read from its registration journal (the node's own class, used only to read; WAL, so the reader
/// does not hold up the node's commits) on a thread of its own, every millisecond. An entry there is
/// committed at the ministry: the moment that counts. (The natural observer would follow the
/// ministry's feed as its parent, but a node refuses a configured parent on the ministry — "Node:ParentId
/// is set on the ministry, which has no parent" — so the bench reads what that stream would send.)
/// Each exit's first arrival (Stopwatch ticks) is kept, and how often it arrived, to prove exactly once.
/// </summary>
internal sealed class MinistryArrivals : IDisposable
{
    private const int Batch = 1000;

    private readonly Federation.Store.Sqlite.SqliteRegistrationJournal _journal;
    private readonly IReadOnlyDictionary<string, int> _exits;
    private readonly long[] _arrived;
    private readonly int[] _times;
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private volatile bool _stop;
    private int _distinct;

    /// <param name="journalPath">The ministry's registration journal.</param>
    /// <param name="exits">Each awaited exit's registration id and its index.</param>
    public MinistryArrivals(string journalPath, IReadOnlyDictionary<string, int> exits)
    {
        _journal = Federation.Store.Sqlite.SqliteRegistrationJournal.Open(journalPath);
        _exits = exits;
        _arrived = new long[exits.Count];
        _times = new int[exits.Count];
        StartHead = _journal.FeedHead();
        _thread = new Thread(Follow) { IsBackground = true, Name = "ministry arrivals" };
        _thread.Start();
    }

    /// <summary>The ministry's feed head when observation began.</summary>
    public long StartHead { get; }

    /// <summary>Completes when every awaited exit has arrived once; faults if reading fails.</summary>
    public Task All => _all.Task;

    /// <summary>Changes that arrived and were not an awaited exit (none are expected).</summary>
    public int Unexpected { get; private set; }

    /// <summary>Stops reading; after this, <see cref="Arrived"/>, <see cref="Times"/> and <see cref="Unexpected"/> are final.</summary>
    public void Stop()
    {
        _stop = true;
        _thread.Join();
    }

    /// <summary>When each exit first arrived (Stopwatch ticks; 0: never).</summary>
    public IReadOnlyList<long> Arrived => _arrived;

    /// <summary>How many times each exit arrived.</summary>
    public IReadOnlyList<int> Times => _times;

    public void Dispose()
    {
        if (_thread.IsAlive)
        {
            Stop();
        }
        _journal.Dispose();
    }

    private void Follow()
    {
        try
        {
            var cursor = StartHead;
            while (!_stop)
            {
                var batch = _journal.FeedAfter(cursor, Batch);
                var now = Stopwatch.GetTimestamp();
                foreach (var entry in batch)
                {
                    Count(Change.Parser.ParseFrom(entry.Body), now);
                    cursor = entry.Seq;
                }
                if (_distinct == _arrived.Length)
                {
                    _all.TrySetResult();
                }
                if (batch.Count < Batch)
                {
                    Thread.Sleep(1);
                }
            }
        }
        catch (Exception ex)
        {
            _all.TrySetException(ex);
        }
    }

    private void Count(Change change, long now)
    {
        if (change.Registration is not { CancelDate.Length: > 0 } exited || !_exits.TryGetValue(exited.RegistrationId, out var index))
        {
            Unexpected++;
            return;
        }
        if (_times[index]++ == 0)
        {
            _arrived[index] = now;
            _distinct++;
        }
    }
}
