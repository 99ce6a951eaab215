using Federation.Node.Exchange;
using Serilog;

namespace Federation.Node.Hosting;

/// <summary>
/// The node's composition root: everything a node is made of, registered once, used by the
/// daemon (<see cref="NodeHost"/>) and by the commands that work on a node's store
/// (<c>ingest</c>, <c>seal</c>, <c>pull</c>), so they all build the same services the same way.
/// </summary>
internal static class NodeServices
{
    public static IServiceCollection AddFederationNode(this IServiceCollection services, NodeConfiguration config)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(config.Node);
        services.AddSingleton<NodeIdentity>();
        if (config.Store.IsPostgres)
        {
            // Periods digested with the tree's algorithm (Security:Crypto); a store digested otherwise is refused, naming it.
            AddStore(services, _ => Federation.Store.Postgres.PostgresStore.Open(config.Store.ConnectionString, config.Node.Id,
                Federation.Store.DigestAlgorithms.ForCrypto(config.Security.National)));
        }
        else
        {
            AddStore(services, provider =>
            {
                var store = Federation.Store.FederationStore.Open(config.Store, Federation.Store.DigestAlgorithms.ForCrypto(config.Security.National));
                var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Federation.Store");
                foreach (var migration in store.MigrationsApplied)
                {
                    NodeLog.StoreMigrated(logger, config.Store.Path, migration);
                }
                return store;
            });
        }
        services.AddSingleton(config.SecurityPaths);
        services.AddSingleton(config.Backup);
        services.AddSingleton<Backup.MonthlyBackups>();
        // Callers' certificates and, at a parent, its children's are checked against the same CRL.
        services.AddSingleton(provider => new Security.RevocationList(config.SecurityPaths,
            config.SecurityPaths.CaPath is { } ca ? Federation.Shared.CertificateAuthority.LoadPem(ca) : null,
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<Security.RevocationList>>()));
        services.AddSingleton(provider => Federation.Store.Security.AccountStore.Open(config.SecurityPaths.DatabasePath, provider.GetRequiredService<TimeProvider>()));
        // Chained with the tree's algorithm (Security:Crypto); an existing log chained otherwise is refused, naming the file.
        services.AddSingleton(_ => Federation.Store.Security.AuditLog.Open(config.SecurityPaths.DatabasePath,
            Federation.Store.DigestAlgorithms.ForCrypto(config.Security.National)));
        services.AddSingleton(_ => Federation.Store.Security.AuditWitnesses.Open(config.SecurityPaths.DatabasePath));
        services.AddOptions<ExchangeOptions>().Bind(config.Configuration.GetSection(ExchangeOptions.Section));
        services.AddSingleton<Exchange.Child.SnapshotStreamLimit>();
        services.AddSingleton(provider => new Exchange.Parent.DiskReserve(config.Store.IsPostgres ? null : Path.GetDirectoryName(config.Store.Path),
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ExchangeOptions>>().Value.ReserveDiskMiB * 1024L * 1024));
        // Checked when the daemon starts (ValidateOnStart) and, in a command, at first use.
        services.AddOptions<Monitoring.MonitoringOptions>().Bind(config.Configuration.GetSection(Monitoring.MonitoringOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Monitoring.MonitoringOptions>, Monitoring.MonitoringOptionsValidator>();
        services.AddSingleton<Federation.Store.ICityPopulations, Monitoring.ConfiguredCityPopulations>();
        services.AddOptions<Registration.RegistrationOptions>().Bind(config.Configuration.GetSection(Registration.RegistrationOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Registration.RegistrationOptions>, Registration.RegistrationOptionsValidator>();
        // The registration service's journal: a SQLite file of its own beside the store, whichever database the store is.
        services.AddSingleton(provider =>
        {
            var journal = Federation.Store.Registration.RegistrationJournal.Open(config.RegistrationJournalPath);
            // The ministry keeps the national index of valid registrations; the nodes below receive it.
            if (provider.GetRequiredService<NodeIdentity>().Level == NodeLevel.Ministry)
            {
                journal.KeepNationalIndex();
            }
            return journal;
        });
        services.AddSingleton<Registration.RegistrationSignals>();
        services.AddSingleton<Registration.RegistrationDesk>();
        services.AddSingleton<Sealing.ISealParticipant, Registration.RegistrationSealing>();
        services.AddSingleton<Registration.FeedCheck>();
        services.AddMetrics();
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton(provider => new Exchange.Signing.NodePeriodSigner(provider.GetRequiredService<NodeIdentity>(), config.Server, config.Security));
        services.AddSingleton(provider => new Exchange.Signing.SignedPeriodCheck(provider.GetRequiredService<Federation.Store.ISignedPeriods>(),
            provider.GetRequiredService<Federation.Store.IChildTransfers>(), provider.GetRequiredService<Security.RevocationList>(),
            config.SecurityPaths.CaPath ?? config.ChildTls.CaPath, config.Security.National ? Federation.Shared.NationalCrypto.Sm2 : Federation.Shared.PeriodSignatures.Ecdsa,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<Exchange.Signing.SignedPeriodCheck>>()));
        services.AddPullPipeline();
        ChildClients.Register(services, config.Node.Children, config.ChildTls, config.Server.MaxReceiveMessageSize);
        services.AddSingleton(new Ingest.IngestDirectories(
            Path.Combine(Path.GetDirectoryName(config.Store.Path)!, "uploads"), config.Ingest.RejectsDirectory, (long)config.Ingest.MaxUploadMiB * 1024 * 1024));
        return services;
    }

    /// <summary>The node's services without the server, for a command; logs like the daemon does.</summary>
    // The store by role: each part of the node asks for the interface it needs
    // (src/Store/StoreRoles.cs), whichever database implements them.
    private static void AddStore(IServiceCollection services, Func<IServiceProvider, Federation.Store.INodeStore> open)
    {
        services.AddSingleton(open);
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

    public static ServiceProvider BuildForCommand(NodeConfiguration config, bool consoleLog = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSerilog((_, logger) => NodeLogging.Configure(logger, config, consoleLog));
        services.AddFederationNode(config);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
