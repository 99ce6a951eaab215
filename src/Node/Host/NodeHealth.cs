using Federation.Store;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Federation.Node.Host;

/// <summary>
/// grpc.health.v1 for every service the node serves, driven by ASP.NET Core health checks
/// (<c>Grpc.AspNetCore.HealthChecks</c>): <c>Check</c> and <c>Watch</c> both answer from the
/// published results (once before the node says it is ready, then every
/// <see cref="PublishPeriod"/>) and NOT_SERVING at once when the node starts shutting down.
/// <c>Check</c> is anonymous: running the checks per call (a file written and deleted in the
/// spool, a store read) let anyone load a node's disk at will, so it reads the package's cache
/// (<c>UseHealthChecksCache</c>) instead — a failure shows within one period. The package's own publisher is replaced by <see cref="Publisher"/>: a
/// publish whose checks ran just before shutdown could otherwise land just after it and turn
/// a watcher's NOT_SERVING back into SERVING for good (seen on a busy CI machine). Whether a parent's children are
/// reachable is deliberately no check: a parent answers from its copies when they are not.
/// The official service has no <c>List</c> (the method is newer than the package); callers
/// ask for each service by name (docs/operations.md).
/// </summary>
internal static class NodeHealth
{
    public const string Lifecycle = "lifecycle";
    public const string Store = "store";
    public const string Uploads = "uploads";
    public const string AuditWitness = "audit-witness";
    public const string Accounts = "accounts";
    public const string AuditTrail = "audit";
    public const string RegistrationJournal = "registration";

    internal static readonly TimeSpan PublishPeriod = TimeSpan.FromSeconds(10);

    /// <summary>Each health-checked service and the checks its status depends on ("" is the node as a whole).</summary>
    public static IReadOnlyDictionary<string, string[]> Services { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [""] = [Lifecycle, Store, Uploads],
        // Admin stays SERVING with a broken store: it is how an operator finds out what is wrong.
        [Protocol.V1.Admin.Descriptor.FullName] = [Lifecycle],
        [Protocol.V1.Statistics.Descriptor.FullName] = [Lifecycle, Store],
        [Protocol.V1.Verification.Descriptor.FullName] = [Lifecycle, Store],
        [Protocol.V1.Exchange.Descriptor.FullName] = [Lifecycle, Store],
        [Protocol.V1.Ingest.Descriptor.FullName] = [Lifecycle, Store, Uploads],
        // A parent's witness of its children's audit chains: NOT_SERVING while a break no auditor
        // has acknowledged stands. Its own name, not part of the node's: the node still answers.
        [AuditWitness] = [Lifecycle, AuditWitness],
        // Every other service the node maps (issue 22: reflection lists them, so health must know
        // them), each with the store it reads and writes.
        [Protocol.V1.Registration.Descriptor.FullName] = [Lifecycle, RegistrationJournal],
        [Protocol.V1.Accounts.Descriptor.FullName] = [Lifecycle, Accounts],
        [Protocol.V1.Audit.Descriptor.FullName] = [Lifecycle, AuditTrail],
    };

    public static void Add(IServiceCollection services)
    {
        services.AddGrpcHealthChecks(options =>
            {
                // Check answers from the last published results, never by running the checks.
                options.UseHealthChecksCache = true;
                options.Services.Clear();
                foreach (var (service, checks) in Services)
                {
                    options.Services.Map(service, registration => checks.Contains(registration.Name));
                }
            })
            .AddCheck<LifecycleHealthCheck>(Lifecycle)
            .AddCheck<StoreHealthCheck>(Store)
            .AddCheck<UploadsHealthCheck>(Uploads)
            .AddCheck<AuditWitnessHealthCheck>(AuditWitness)
            .AddCheck<ServiceStoreHealthChecks.Accounts>(Accounts)
            .AddCheck<ServiceStoreHealthChecks.Audit>(AuditTrail)
            .AddCheck<ServiceStoreHealthChecks.Registration>(RegistrationJournal);
        var packagePublisher = services.Single(d => d.ServiceType == typeof(IHealthCheckPublisher)
            && d.ImplementationType?.Assembly == typeof(Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions).Assembly);
        services.Remove(packagePublisher);
        services.AddSingleton<Publisher>();
        services.AddSingleton<IHealthCheckPublisher>(provider => provider.GetRequiredService<Publisher>());
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(1);
            options.Period = PublishPeriod;
        });
    }

    /// <summary>Every service NOT_SERVING now and from now on, for watchers too (called when the node starts stopping).</summary>
    public static void MarkAllNotServing(IServiceProvider services) => services.GetRequiredService<Publisher>().Stop();

    /// <summary>Runs the checks once and publishes them, so a watcher never sees SERVICE_UNKNOWN from a ready node.</summary>
    public static void PublishNow(IServiceProvider services)
    {
        var report = services.GetRequiredService<HealthCheckService>().CheckHealthAsync().GetAwaiter().GetResult();
        services.GetRequiredService<Publisher>().Publish(report);
    }

    /// <summary>Sets each service's status from a report of the checks it depends on; once stopped, only NOT_SERVING.</summary>
    internal sealed class Publisher(HealthServiceImpl health) : IHealthCheckPublisher
    {
        private readonly Lock gate = new();
        private bool stopped;

        public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
        {
            Publish(report);
            return Task.CompletedTask;
        }

        public void Publish(HealthReport report)
        {
            lock (gate)
            {
                if (stopped)
                {
                    return;
                }
                foreach (var (service, checks) in Services)
                {
                    var healthy = checks.All(check => report.Entries.TryGetValue(check, out var entry) && entry.Status != HealthStatus.Unhealthy);
                    health.SetStatus(service, healthy ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing);
                }
            }
        }

        public void Stop()
        {
            lock (gate)
            {
                stopped = true;
                foreach (var service in Services.Keys)
                {
                    health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.NotServing);
                }
            }
        }
    }

    private sealed class LifecycleHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Unhealthy("the node is shutting down")
                : HealthCheckResult.Healthy());
    }

    // The store opens (it is opened at start-up and kept) and answers a read.
    private sealed class StoreHealthCheck(ISealedPeriods store) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var periods = store.ListManifests().Count;
                return Task.FromResult(HealthCheckResult.Healthy($"{periods} sealed period(s)"));
            }
            catch (Exception ex) when (ex is StoreException or IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("the store does not answer: " + ex.Message));
            }
        }
    }

    // Every child's audit chain extends what this node witnessed, or its break was acknowledged.
    private sealed class AuditWitnessHealthCheck(NodeIdentity identity, Federation.Store.Security.AuditWitnesses witnesses) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var broken = identity.Children.Select(child => witnesses.OpenBreak(child.Id)).OfType<Federation.Store.Security.WitnessBreak>().ToList();
            return Task.FromResult(broken.Count == 0 ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("audit chain broken, not yet acknowledged: " + string.Join("; ", broken.Select(b => $"{b.ChildId} ({b.Kind} at entry {b.Seq})"))));
        }
    }

    // Uploads are spooled to disk before they are imported: the spool must be writable.
    private sealed class UploadsHealthCheck(Ingest.IngestDirectories directories) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                Directory.CreateDirectory(directories.Uploads);
                var probe = Path.Combine(directories.Uploads, ".health-" + Environment.ProcessId);
                File.WriteAllBytes(probe, []);
                File.Delete(probe);
                return Task.FromResult(HealthCheckResult.Healthy());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"the upload spool {directories.Uploads} is not writable: {ex.Message}"));
            }
        }
    }
}
