using Federation.Store;
using System.Collections.Concurrent;
using Federation.Protocol.V1;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// Operator-triggered resyncs (<c>Admin/TriggerResync</c>): each runs in the background, pulling
/// the chosen children through the <see cref="PullCoordinator"/>, and can be followed with
/// <c>Admin/GetOperation</c> until it finishes. The last 100 operations are kept in memory.
/// </summary>
internal sealed class ResyncOperations(PullCoordinator coordinator, TimeProvider time, IHostApplicationLifetime lifetime)
{
    private const int Retained = 100;
    private readonly ConcurrentDictionary<string, Tracked> _operations = new(StringComparer.Ordinal);

    public Operation Start(IReadOnlyList<ChildOptions> children, Period? period)
    {
        var tracked = new Tracked(Guid.NewGuid().ToString("N")[..12], children, time.GetUtcNow());
        _operations[tracked.Id] = tracked;
        Trim();
        _ = Task.Run(() => RunAsync(tracked, period, lifetime.ApplicationStopping));
        return tracked.Snapshot();
    }

    public Operation? Get(string id) => _operations.TryGetValue(id, out var tracked) ? tracked.Snapshot() : null;

    private async Task RunAsync(Tracked operation, Period? period, CancellationToken stopping)
    {
        await Task.WhenAll(operation.Children.Select(async child =>
        {
            operation.Update(child.Id, p => p.State = "pulling");
            var progress = new Progress<PullProgress>(p => operation.Update(child.Id, c =>
            {
                c.Period = p.Period.ToString();
                c.Records = p.Records;
                c.TotalRecords = p.TotalRecords;
                c.Bytes = p.Bytes;
            }));
            try
            {
                var result = await coordinator.PullAsync(child, period, progress, stopping);
                operation.Update(child.Id, c =>
                {
                    c.State = result.AlreadyCurrent ? "current" : "committed";
                    c.Period = result.Period.ToString();
                });
            }
            catch (Exception ex) when (ex is PullFailedException or OperationCanceledException)
            {
                operation.Update(child.Id, c =>
                {
                    c.State = "failed";
                    c.Error = ex is PullFailedException ? ex.Message : "the node is stopping";
                });
            }
        }));
        operation.Finish(time.GetUtcNow());
    }

    private void Trim()
    {
        foreach (var old in _operations.Values.Where(o => o.Finished).OrderBy(o => o.StartedAt).Take(Math.Max(0, _operations.Count - Retained)))
        {
            _operations.TryRemove(old.Id, out _);
        }
    }

    private sealed class Tracked
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, ChildProgress> _children;
        private DateTimeOffset? _finishedAt;

        public Tracked(string id, IReadOnlyList<ChildOptions> children, DateTimeOffset startedAt)
        {
            Id = id;
            Children = children;
            StartedAt = startedAt;
            _children = children.ToDictionary(c => c.Id, c => new ChildProgress { ChildId = c.Id, State = "pending" }, StringComparer.Ordinal);
        }

        public string Id { get; }
        public IReadOnlyList<ChildOptions> Children { get; }
        public DateTimeOffset StartedAt { get; }
        public bool Finished => _finishedAt is not null;

        public void Update(string childId, Action<ChildProgress> change)
        {
            lock (_lock)
            {
                change(_children[childId]);
            }
        }

        public void Finish(DateTimeOffset at)
        {
            lock (_lock)
            {
                _finishedAt = at;
            }
        }

        public Operation Snapshot()
        {
            lock (_lock)
            {
                var operation = new Operation
                {
                    Id = Id,
                    StartedAt = Timestamp.FromDateTimeOffset(StartedAt),
                    State = _finishedAt is null ? OperationState.Running
                        : _children.Values.Any(c => c.State == "failed") ? OperationState.Failed : OperationState.Succeeded,
                };
                if (_finishedAt is { } finished)
                {
                    operation.FinishedAt = Timestamp.FromDateTimeOffset(finished);
                }
                operation.Children.AddRange(Children.Select(c => _children[c.Id].Clone()));
                return operation;
            }
        }
    }
}
