using Federation.Store;
using Federation.Store.Security;
using Microsoft.Extensions.Options;

namespace Federation.Node.Security;

/// <summary>The security part of the node's composition root (<c>Host/NodeComposition.cs</c>).</summary>
internal static class SecurityServices
{
    /// <summary>The security database (accounts, audit log, witnesses) and the revocation list: what the daemon and its commands share.</summary>
    public static IServiceCollection AddSecurityStores(this IServiceCollection services, NodeConfiguration config)
    {
        // Callers' certificates and, at a parent, its children's are checked against the same CRL.
        services.AddSingleton(provider => new RevocationList(config.SecurityPaths, provider.GetRequiredService<DeploymentAuthority>().Certificate,
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<RevocationList>>()));
        services.AddSingleton(provider => AccountStore.Open(config.SecurityPaths.DatabasePath, provider.GetRequiredService<TimeProvider>()));
        // Chained with the tree's algorithm (Security:Crypto); an existing log chained otherwise is refused, naming the file.
        services.AddSingleton(_ => AuditLog.Open(config.SecurityPaths.DatabasePath, DigestAlgorithms.ForCrypto(config.Security.National)));
        services.AddSingleton(_ => AuditWitnesses.Open(config.SecurityPaths.DatabasePath));
        return services;
    }

    /// <summary>
    /// The daemon's side: callers authenticated against the deployment CA, their proofs checked,
    /// failed attempts throttled, the audit trail written, and the interceptor that applies the
    /// authorisation table to every call.
    /// </summary>
    public static IServiceCollection AddCallerSecurity(this IServiceCollection services)
    {
        CallerAuthenticator.Register(services);
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton(provider => new CallerProofVerifier(provider.GetRequiredService<RevocationList>(),
            provider.GetRequiredService<DeploymentAuthority>().Certificate, provider.GetRequiredService<IOptions<SecurityOptions>>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AuthenticationThrottle>();
        services.AddSingleton<AuditTrail>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditTrail>());
        services.AddSingleton<SecurityInterceptor>();
        return services;
    }
}
