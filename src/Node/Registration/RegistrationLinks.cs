using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Federation.Node.Exchange;
using Federation.Node.Host;
using Federation.Protocol.V1;
using Federation.Standards;

namespace Federation.Node.Registration;

/// <summary>What a parent knows of its registration links to one child, for status.</summary>
internal sealed class LinkState
{
    public volatile bool ApplicationsConnected;
    public volatile bool ChangesConnected;

    // Counts connections, so that the retry loop sees whether the link connected since its last failure.
    public int Connections;
    public string LastError = "";
    public DateTimeOffset? LastErrorAt;
}

/// <summary>
/// A parent's two long-lived registration streams to each child (docs/registration.md): applications
/// down (<c>DeliverApplications</c>: the child says its cursor, the parent sends every application for
/// the child's jurisdiction after it and each new one as it arrives) and the change feed up
/// (<c>FollowChanges</c> after this node's cursor in the child's feed; each change committed with the
/// cursor in one transaction). Nothing polls: both sides wait on a signal. A lost stream is reopened
/// after a back-off (1 s doubling to 30 s, reset once connected), from the cursors, so a child that
/// was offline catches up and nothing is applied twice.
/// </summary>
internal sealed class RegistrationLinks : BackgroundService
{
    private readonly NodeIdentity identity;
    private readonly ChildClients clients;
    private readonly RegistrationDesk desk;
    private readonly RegistrationSignals signals;
    private readonly TimeProvider time;
    private readonly ILogger<RegistrationLinks> logger;

    public RegistrationLinks(NodeIdentity identity, ChildClients clients, RegistrationDesk desk, RegistrationSignals signals, TimeProvider time,
        ILogger<RegistrationLinks> logger, IMeterFactory meters)
    {
        this.identity = identity;
        this.clients = clients;
        this.desk = desk;
        this.signals = signals;
        this.time = time;
        this.logger = logger;
        meters.Create(NodeMetrics.MeterName).CreateObservableGauge("federation.registration.link.connected", () => States.SelectMany(s => new[]
        {
            new Measurement<int>(s.Value.ApplicationsConnected ? 1 : 0, new KeyValuePair<string, object?>("child", s.Key), new KeyValuePair<string, object?>("stream", "applications")),
            new Measurement<int>(s.Value.ChangesConnected ? 1 : 0, new KeyValuePair<string, object?>("child", s.Key), new KeyValuePair<string, object?>("stream", "changes")),
        }), "1", "1 while the registration stream to the child is open (applications down, changes up).");
    }

    private const int DeliveryBatch = 200;
    private const int FeedBatch = 500;

    public ConcurrentDictionary<string, LinkState> States { get; } = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(identity.Children.SelectMany(child => new[]
        {
            Keep(child, "applications", (state, stop) => DeliverAsync(child, state, stop), stoppingToken),
            Keep(child, "changes", (state, stop) => FollowAsync(child, state, stop), stoppingToken),
        }));

    private Task Keep(ChildOptions child, string direction, Func<LinkState, CancellationToken, Task> run, CancellationToken stop)
    {
        var state = States.GetOrAdd(child.Id, _ => new LinkState());
        return ChildStreams.KeepAsync(token => run(state, token), () => Volatile.Read(ref state.Connections), (reason, delay) =>
        {
            state.LastError = $"{direction}: {reason}";
            state.LastErrorAt = time.GetUtcNow();
            RegistrationLog.LinkLost(logger, child.Id, direction, reason, delay.TotalSeconds);
            if (direction == "applications")
            {
                state.ApplicationsConnected = false;
            }
            else
            {
                state.ChangesConnected = false;
            }
        }, time, stop);
    }

    private async Task DeliverAsync(ChildOptions child, LinkState state, CancellationToken stop)
    {
        using var call = clients.Registration(child).DeliverApplications(cancellationToken: stop);
        if (!await call.ResponseStream.MoveNext(stop))
        {
            throw new InvalidOperationException("the child closed the stream without its cursor");
        }
        var cursor = call.ResponseStream.Current.AfterSeq;
        var epoch = desk.Journal.Epoch;
        if (call.ResponseStream.Current.Epoch is { Length: > 0 } childEpoch && childEpoch != epoch)
        {
            throw new InvalidOperationException($"the child's cursor {cursor} counts in this node's journal epoch {childEpoch}, but the journal is epoch {epoch}: it was replaced. See docs/registration.md, \"Restoring\".");
        }
        if (cursor > desk.Journal.ApplicationHead())
        {
            // This node's applications went back in time (its journal restored from a backup).
            throw new InvalidOperationException($"the child's cursor {cursor} is ahead of this node's applications (head {desk.Journal.ApplicationHead()}): was this node's registration journal restored from a backup? See docs/registration.md, \"Restoring\".");
        }
        var indexCursor = call.ResponseStream.Current.IndexAfterSeq;
        if (indexCursor > desk.Journal.IndexHead())
        {
            throw new InvalidOperationException($"the child's index cursor {indexCursor} is ahead of this node's index (head {desk.Journal.IndexHead()}): was this node's registration journal restored from a backup? See docs/registration.md, \"Restoring\".");
        }
        var jurisdiction = DivisionTable.Default.JurisdictionOf(child.DivisionCode);
        desk.ChildServes(child, jurisdiction, call.ResponseStream.Current.Serves);
        state.ApplicationsConnected = true;
        Interlocked.Increment(ref state.Connections);
        RegistrationLog.LinkConnected(logger, child.Id, "applications", cursor);
        // The child's acknowledgements: read so the stream flows; the end of them is the end of the link.
        var acknowledged = DrainAsync(call.ResponseStream, stop);
        while (true)
        {
            var next = signals.Applications.Next();
            var batch = desk.Journal.ApplicationsAfter(cursor, DeliveryBatch);
            foreach (var (seq, application) in batch)
            {
                // Refused at the ministry (registered in another city) needs nothing of the city.
                if (jurisdiction.Contains(application.PlaceDivision) && application.Status == Federation.Store.Registration.ApplicationRecord.Pending)
                {
                    await call.RequestStream.WriteAsync(new ApplicationDelivery { Seq = seq, Application = RegistrationMessages.ToMessage(application), Epoch = epoch }, stop);
                }
                cursor = seq;
            }
            // The index of valid registrations rides the same stream, from the child's own cursor.
            var index = desk.IndexDelivery(child, indexCursor, DeliveryBatch);
            if (index is { } changes)
            {
                await call.RequestStream.WriteAsync(changes.Delivery, stop);
                indexCursor = changes.LastSeq;
            }
            if (batch.Count < DeliveryBatch && (index is null || index.Value.Delivery.Index.Count < DeliveryBatch))
            {
                if (await Task.WhenAny(next, acknowledged) == acknowledged)
                {
                    await acknowledged;
                    throw new InvalidOperationException("the child ended the applications stream");
                }
            }
        }
    }

    private static async Task DrainAsync(IAsyncStreamReader<ApplicationCursor> acknowledgements, CancellationToken stop)
    {
        while (await acknowledgements.MoveNext(stop))
        {
        }
    }

    private async Task FollowAsync(ChildOptions child, LinkState state, CancellationToken stop)
    {
        var cursor = desk.Journal.ChildCursor(child.Id);
        using var call = clients.Registration(child).FollowChanges(new FollowChangesRequest { AfterSeq = cursor.Seq, Epoch = cursor.Epoch }, cancellationToken: stop);
        // The child sends its headers when it accepts the call: connected from then on.
        await call.ResponseHeadersAsync;
        state.ChangesConnected = true;
        Interlocked.Increment(ref state.Connections);
        RegistrationLog.LinkConnected(logger, child.Id, "changes", cursor.Seq);
        // The stream is read into a queue and what has arrived is committed together: under a
        // burst one transaction takes many changes (measured with bench/registration), and a
        // single change still commits at once.
        var arrived = System.Threading.Channels.Channel.CreateBounded<Change>(new System.Threading.Channels.BoundedChannelOptions(FeedBatch) { SingleReader = true, SingleWriter = true });
        // The reader stops with this method, whichever way it ends.
        using var reader = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in call.ResponseStream.ReadAllAsync(reader.Token))
                {
                    await arrived.Writer.WriteAsync(change, reader.Token);
                }
                arrived.Writer.Complete(new InvalidOperationException("the child ended the change feed"));
            }
            catch (Exception ex)
            {
                arrived.Writer.Complete(ex);
            }
        }, CancellationToken.None);
        try
        {
            var batch = new List<Change>(FeedBatch);
            while (await arrived.Reader.WaitToReadAsync(stop))
            {
                while (batch.Count < FeedBatch && arrived.Reader.TryRead(out var change))
                {
                    batch.Add(change);
                }
                // Checked there: the child's jurisdiction, the origin's child, the epoch.
                desk.ApplyFromChild(child.Id, batch);
                batch.Clear();
            }
            await arrived.Reader.Completion;
        }
        finally
        {
            await reader.CancelAsync();
            await reading;
        }
        throw new InvalidOperationException("the child ended the change feed");
    }
}
