
namespace Federation.Node.Backup;

/// <summary>The backup part of the node's composition root (<c>Host/NodeComposition.cs</c>).</summary>
internal static class BackupServices
{
    /// <summary>The monthly backups, written on schedule by the daemon and at once by <c>backup --monthly</c>.</summary>
    public static IServiceCollection AddBackups(this IServiceCollection services) => services.AddSingleton<MonthlyBackups>();

    /// <summary>The daemon's schedule of monthly backups, when Backup:Enabled. A PostgreSQL store is backed up with PostgreSQL's own tools (docs/operations.md).</summary>
    public static IServiceCollection AddBackupSchedule(this IServiceCollection services, NodeConfiguration config)
    {
        if (config.Backup.Enabled && !config.Store.IsPostgres)
        {
            services.AddHostedService<BackupScheduler>();
        }
        return services;
    }
}
