using System.Diagnostics;
using System.Diagnostics.Metrics;
using Federation.Store;

namespace Federation.Node.Host;

/// <summary>
/// The node's own metrics (meter <c>Federation.Node</c>), exported for Prometheus next to the
/// gRPC server and client meters. Names follow OpenTelemetry's conventions; the exporter turns
/// <c>federation.child.pull.failures</c> into <c>federation_child_pull_failures_total</c>.
/// Every metric is listed, with an example alert, in docs/operations.md. Labels carry node ids,
/// methods and outcomes only — never anything about a person.
/// </summary>
internal sealed class NodeMetrics
{
    public const string MeterName = "Federation.Node";

    private readonly Counter<long> _pulledRecords;
    private readonly Counter<long> _pulledBytes;
    private readonly Counter<long> _pullFailures;
    private readonly Counter<long> _refusedTransfers;
    private readonly Counter<long> _verificationAnswers;
    private readonly Histogram<double> _verificationDuration;
    private readonly Counter<long> _importRows;
    private readonly Counter<long> _registrationChanges;
    private readonly Histogram<double> _registrationDelay;
    private readonly Counter<long> _registrationProvisional;

    public NodeMetrics(IMeterFactory meters, ISealedPeriods store, IChildLinks links, IStoreMaintenance files, NodeIdentity identity, TimeProvider time,
        Federation.Store.Registration.IRegistrationJournal registrations)
    {
        var meter = meters.Create(MeterName);
        _pulledRecords = meter.CreateCounter<long>("federation.child.pulled.records", "{record}", "Records received from each child (committed pulls).");
        _pulledBytes = meter.CreateCounter<long>("federation.child.pulled.bytes", "By", "Snapshot bytes received from each child (committed pulls).");
        _pullFailures = meter.CreateCounter<long>("federation.child.pull.failures", "{failure}", "Failed pulls per child, by gRPC status of the failure.");
        _refusedTransfers = meter.CreateCounter<long>("federation.child.transfers.refused", "{transfer}",
            "Child snapshots refused at receipt because a record failed the parent's check, per child, by reason (jurisdiction, after_period, validation).");
        _verificationAnswers = meter.CreateCounter<long>("federation.verification.answers", "{answer}", "Verification answers by method, freshness (live, cached, not_found) and hops.");
        _verificationDuration = meter.CreateHistogram<double>("federation.verification.duration", "s", "Time to answer a verification, by method, freshness and hops.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _importRows = meter.CreateCounter<long>("federation.import.rows", "{row}", "Imported rows by outcome (accepted, rejected) and dataset.");
        _registrationChanges = meter.CreateCounter<long>("federation.registration.changes", "{change}",
            "Registration feed entries received from each child, by outcome (applied, duplicate).");
        _registrationDelay = meter.CreateHistogram<double>("federation.registration.delay", "s",
            "From a change's recording at its city to its commit here, per child (clocks of different machines: NTP-synchronised).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400] });
        _registrationProvisional = meter.CreateCounter<long>("federation.registration.provisional", "{registration}",
            "Local registrations a city accepted provisionally, with no stream from its parent open (R-18).");
        meter.CreateObservableGauge("federation.registration.double", () => (long)registrations.DoubleRegistrations().Count, "{person}",
            "People validly registered in two or more cities as this node knows them through the feed (R-18): each is listed in status.");
        // On this node's clock, from the journal at each scrape.
        meter.CreateObservableGauge("federation.registration.overdue", () => registrations.Backlog(Federation.Standards.BeijingTime.Date(time.GetUtcNow()))
            .SelectMany(c => new[]
            {
                new Measurement<long>(c.DecisionOverdue, new KeyValuePair<string, object?>("city", c.CityDivision), new KeyValuePair<string, object?>("deadline", "decision")),
                new Measurement<long>(c.ContactOverdue, new KeyValuePair<string, object?>("city", c.CityDivision), new KeyValuePair<string, object?>("deadline", "contact")),
            }), "{application}", "Applications past their decision (3 working days) or contact (5) deadline, per city.");

        // Child links and the store are read when Prometheus scrapes, not kept in memory: the
        // store is the truth, and `pull` run beside the daemon updates it too.
        meter.CreateObservableGauge("federation.child.last_success_timestamp", () => Links(links, identity, link =>
            link.LastSuccessAt is { } at ? at.ToUnixTimeSeconds() : 0), "s", "Unix time of each child's last successful pull (0: never).");
        meter.CreateObservableGauge("federation.child.lag", () => Links(links, identity, link =>
            link.LastSuccessAt is { } at ? (time.GetUtcNow() - at).TotalSeconds : double.NaN), "s", "Seconds since each child's last successful pull.");
        meter.CreateObservableGauge("federation.child.stale", () => Links(links, identity, link => link.Stale ? 1 : 0), "1",
            "1 when the last pull from the child failed and the node serves its last good snapshot.");
        meter.CreateObservableGauge("federation.store.size", () => StoreSize(files), "By", "Size of the store's files (database and write-ahead log).");
        meter.CreateObservableGauge("federation.store.sealed_period_timestamp", () => LatestSealed(store), "s",
            "The as-of date of the latest sealed period, as Unix time of its midnight UTC (0: none).");
    }

    public void PullSucceeded(string childId, long records, long bytes)
    {
        var child = new KeyValuePair<string, object?>("child", childId);
        _pulledRecords.Add(records, child);
        _pulledBytes.Add(bytes, child);
    }

    public void PullFailed(string childId, string status) =>
        _pullFailures.Add(1, new KeyValuePair<string, object?>("child", childId), new KeyValuePair<string, object?>("status", status));

    public void TransferRefused(string childId, string reason) =>
        _refusedTransfers.Add(1, new KeyValuePair<string, object?>("child", childId), new KeyValuePair<string, object?>("reason", reason));

    public void VerificationAnswered(string method, string freshness, int hops, TimeSpan elapsed)
    {
        var tags = new TagList { { "method", method }, { "freshness", freshness }, { "hops", hops } };
        _verificationAnswers.Add(1, tags);
        _verificationDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void RowsImported(string dataset, long accepted, long rejected)
    {
        _importRows.Add(accepted, new KeyValuePair<string, object?>("dataset", dataset), new KeyValuePair<string, object?>("outcome", "accepted"));
        _importRows.Add(rejected, new KeyValuePair<string, object?>("dataset", dataset), new KeyValuePair<string, object?>("outcome", "rejected"));
    }

    public void RegistrationProvisional() => _registrationProvisional.Add(1);

    public void RegistrationChangeReceived(string childId, bool applied, TimeSpan delay)
    {
        var child = new KeyValuePair<string, object?>("child", childId);
        _registrationChanges.Add(1, child, new KeyValuePair<string, object?>("outcome", applied ? "applied" : "duplicate"));
        if (applied)
        {
            _registrationDelay.Record(Math.Max(0, delay.TotalSeconds), child);
        }
    }

    private static IEnumerable<Measurement<double>> Links(IChildLinks store, NodeIdentity identity, Func<ChildLink, double> value)
    {
        if (identity.Children.Count == 0)
        {
            return [];
        }
        var links = store.ListChildLinks().ToDictionary(l => l.ChildId, StringComparer.Ordinal);
        return identity.Children.Where(c => links.ContainsKey(c.Id))
            .Select(c => new Measurement<double>(value(links[c.Id]), new KeyValuePair<string, object?>("child", c.Id)));
    }

    private static long StoreSize(IStoreMaintenance store) =>
        new[] { store.Path, store.Path + "-wal" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);

    private static long LatestSealed(ISealedPeriods store)
    {
        var manifests = store.ListManifests(); // oldest first
        return manifests.Count == 0 ? 0 : new DateTimeOffset(manifests[^1].AsOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
    }
}
