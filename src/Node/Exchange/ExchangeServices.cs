using Federation.Node.Exchange.Parent;
using Federation.Node.Exchange.Signing;
using Federation.Store;
using Microsoft.Extensions.Options;

namespace Federation.Node.Exchange;

/// <summary>The exchange part of the node's composition root (<c>Host/NodeComposition.cs</c>).</summary>
internal static class ExchangeServices
{
    /// <summary>Serving snapshots to a parent, pulling the children's, signing and sealing periods: what the daemon and its commands (<c>pull</c>, <c>seal</c>) share.</summary>
    public static IServiceCollection AddExchange(this IServiceCollection services, NodeConfiguration config)
    {
        services.AddSingleton<Child.SnapshotStreamLimit>();
        services.AddSingleton(provider => new DiskReserve(config.Store.IsPostgres ? null : Path.GetDirectoryName(config.Store.Path),
            provider.GetRequiredService<IOptions<ExchangeOptions>>().Value.ReserveDiskMiB * 1024L * 1024));
        services.AddSingleton(provider => new NodePeriodSigner(provider.GetRequiredService<NodeIdentity>(), config.Server, config.Security));
        services.AddSingleton(provider => new SignedPeriodCheck(provider.GetRequiredService<ISignedPeriods>(),
            provider.GetRequiredService<IChildTransfers>(), provider.GetRequiredService<Security.RevocationList>(),
            provider.GetRequiredService<DeploymentAuthority>(), config.SecurityPaths.CaPath ?? config.ChildTls.CaPath,
            config.Security.National ? Federation.Shared.NationalCrypto.Sm2 : Federation.Shared.PeriodSignatures.Ecdsa,
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<SignedPeriodCheck>>()));
        services.AddPullPipeline();
        ChildClients.Register(services, config.Node.Children, config.ChildTls, config.Server.MaxReceiveMessageSize);
        return services;
    }
}
