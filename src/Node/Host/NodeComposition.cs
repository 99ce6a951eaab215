using Federation.Node.Backup;
using Federation.Node.Exchange;
using Federation.Node.Registration;
using Federation.Node.Security;
using Federation.Node.Web;
using OpenTelemetry.Metrics;
using Serilog;

namespace Federation.Node.Host;

/// <summary>
/// The node's one composition root: every service a node is made of is registered here, as a
/// list of each domain's own <c>AddXxx</c>. <see cref="AddFederationNode"/> is what the daemon and
/// the commands that work on a node's store (<c>ingest</c>, <c>seal</c>, <c>pull</c>, <c>backup</c>…)
/// share, so they build the same services the same way; <see cref="AddFederationNodeServer"/> adds
/// what only the daemon runs (the gRPC server and its security, the pages, health, the schedules).
/// </summary>
internal static class NodeComposition
{
    // grpc-dotnet 2.85 publishes EventCounters, not meters; every gRPC call is measured by
    // ASP.NET Core's http.server.request.duration, which GrpcCallMetrics tags with the gRPC method
    // and status, and every call to a child by System.Net.Http's http.client.request.duration.
    // Kestrel's meter counts connections. They are exported beside our own, with the process's and
    // the runtime's (OpenTelemetry.Instrumentation.Process and .Runtime).
    private static readonly string[] ExportedMeters =
        [NodeMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http"];

    /// <summary>The node's services without the server: the daemon's and every store command's.</summary>
    public static IServiceCollection AddFederationNode(this IServiceCollection services, NodeConfiguration config)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddNodeConfiguration(config);
        services.AddNodeStore(config);
        services.AddSecurityStores(config);
        services.AddBackups();
        services.AddRegistration(config);
        // The cities' populations the seal's findings divide by (Monitoring:CityPopulation).
        services.AddSingleton<Federation.Store.ICityPopulations, Monitoring.ConfiguredCityPopulations>();
        services.AddMetrics();
        services.AddSingleton<NodeMetrics>();
        services.AddExchange(config);
        services.AddSingleton(new Ingest.IngestDirectories(
            Path.Combine(Path.GetDirectoryName(config.Store.Path)!, "uploads"), config.Ingest.RejectsDirectory, (long)config.Ingest.MaxUploadMiB * 1024 * 1024));
        return services;
    }

    /// <summary>The daemon: the node's services, its gRPC server with the authorisation table on every call, the pages, health, metrics and the schedules.</summary>
    public static IServiceCollection AddFederationNodeServer(this IServiceCollection services, NodeConfiguration config)
    {
        services.AddFederationNode(config);
        // Streams are told to end when the node starts stopping (SecurityInterceptor), so the
        // server drains in moments; whatever still runs after this is cut off.
        services.Configure<HostOptions>(options => options.ShutdownTimeout = config.Server.ShutdownTimeout);
        services.AddCallerSecurity();
        services.AddSingleton<Verification.PublicCheckRule>();
        services.AddWeb(config);
        services.AddGrpc(options =>
        {
            // Every call, every service (health and reflection included): the authorisation table.
            options.Interceptors.Add<SecurityInterceptor>();
            options.MaxReceiveMessageSize = config.Server.MaxReceiveMessageSize;
            options.EnableDetailedErrors = config.Server.EnableDetailedErrors;
        });
        services.AddGrpcReflection();
        NodeHealth.Add(services);
        services.AddPullSchedule();
        services.AddRegistrationLinks();
        services.AddBackupSchedule(config);
        if (config.Server.MetricsListen is not null)
        {
            // Without otel_scope_* labels on every series: each metric's name already says whose it is.
            services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ExportedMeters)
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter(options => options.ScopeInfoEnabled = false));
        }
        return services;
    }

    // The store by role: each part of the node asks for the interface it needs
    // (src/Store/StoreRoles.cs), whichever database implements them.
    private static void AddNodeStore(this IServiceCollection services, NodeConfiguration config)
    {
        if (config.Store.IsPostgres)
        {
            // Periods digested with the tree's algorithm (Security:Crypto); a store digested otherwise is refused, naming it.
            services.AddSingleton<Federation.Store.INodeStore>(_ => Federation.Store.Postgres.PostgresStore.Open(config.Store.ConnectionString, config.Node.Id,
                Federation.Store.DigestAlgorithms.ForCrypto(config.Security.National)));
        }
        else
        {
            services.AddSingleton<Federation.Store.INodeStore>(provider =>
            {
                var store = Federation.Store.Sqlite.SqliteStore.Open(config.Store, Federation.Store.DigestAlgorithms.ForCrypto(config.Security.National));
                var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Federation.Store");
                foreach (var migration in store.MigrationsApplied)
                {
                    NodeLog.StoreMigrated(logger, config.Store.Path, migration);
                }
                return store;
            });
        }
        services.AddSingleton<Federation.Store.IStoreMaintenance>(provider => provider.GetRequiredService<Federation.Store.INodeStore>());
        services.AddSingleton(provider => provider.GetRequiredService<Federation.Store.INodeStore>().Staging);
        services.AddSingleton(provider => provider.GetRequiredService<Federation.Store.INodeStore>().Periods);
        services.AddSingleton(provider => provider.GetRequiredService<Federation.Store.INodeStore>().Transfers);
        services.AddSingleton(provider => provider.GetRequiredService<Federation.Store.INodeStore>().Holders);
        services.AddSingleton(provider => provider.GetRequiredService<Federation.Store.INodeStore>().Findings);
        services.AddSingleton(provider => provider.GetRequiredService<Federation.Store.INodeStore>().Links);
        services.AddSingleton(provider => provider.GetRequiredService<Federation.Store.INodeStore>().IndicatorQueries);
        services.AddSingleton(provider => provider.GetRequiredService<Federation.Store.INodeStore>().Signatures);
    }

    /// <summary>The node's services without the server, for a command; logs like the daemon does.</summary>
    public static ServiceProvider BuildForCommand(NodeConfiguration config, bool consoleLog = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSerilog((_, logger) => NodeLogging.Configure(logger, config, consoleLog));
        services.AddFederationNode(config);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
