using Federation.Node.Exchange.Child;
using Federation.Node.Exchange.Parent;
using Federation.Node.Sealing;

namespace Federation.Node.Exchange;

/// <summary>
/// The exchange's registrations, in one place: the pull's stages (docs/architecture.md, "The pull,
/// stage by stage") and the sealing they end in (<see cref="AddPullPipeline"/>, for the daemon and
/// the commands alike), and the daemon's background work on them (<see cref="AddPullSchedule"/>).
/// </summary>
internal static class PullPipelineServices
{
    /// <summary>The child's snapshot source, the parent's receiver, sink, puller and coordinator, and the period sealer.</summary>
    public static IServiceCollection AddPullPipeline(this IServiceCollection services)
    {
        services.AddSingleton<SnapshotSource>();
        services.AddSingleton<SnapshotReceiver>();
        services.AddSingleton<SnapshotSink>();
        services.AddSingleton<ChildPuller>();
        services.AddSingleton<PullCoordinator>();
        services.AddSingleton<IPullCoordinator>(provider => provider.GetRequiredService<PullCoordinator>());
        services.AddSingleton<IPeriodSealer, PeriodSealer>();
        return services;
    }

    /// <summary>
    /// The daemon's side: the pull loop per child, resync operations, and the audit witness — its
    /// own step beside the data pull, a live stream per child kept open on the same children.
    /// </summary>
    public static IServiceCollection AddPullSchedule(this IServiceCollection services)
    {
        services.AddSingleton<ResyncOperations>();
        services.AddHostedService<ChildPullScheduler>();
        services.AddSingleton<AuditWitnessService>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditWitnessService>());
        return services;
    }
}
