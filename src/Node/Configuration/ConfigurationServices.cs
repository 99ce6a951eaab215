using Federation.Node.Monitoring;
using Federation.Node.Registration;
using Microsoft.Extensions.Options;

namespace Federation.Node.Configuration;

/// <summary>
/// The node's settings as services, one style for every section: <see cref="IOptions{T}"/>. Each
/// section is bound once — by <see cref="NodeConfiguration.Load"/>, which resolves its paths and
/// names the file and the setting of every problem — and registered as that one bound object.
/// The sections whose rules live with their domain (Monitoring, Registration) are bound here too
/// and checked by their <see cref="IValidateOptions{T}"/> when the daemon starts (ValidateOnStart)
/// and, in a command, at first use.
/// </summary>
internal static class ConfigurationServices
{
    public static IServiceCollection AddNodeConfiguration(this IServiceCollection services, NodeConfiguration config)
    {
        services.AddSingleton(config.Node);
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton(config.SecurityPaths);
        services.AddSingleton(config.Backup);
        services.AddSingleton(Options.Create(config.Security));
        services.AddSingleton(Options.Create(config.Exchange));
        services.AddSingleton(Options.Create(config.Web));
        // The CA, read once and asked by everything that judges a certificate.
        services.AddSingleton(new DeploymentAuthority(config.SecurityPaths.CaPath));
        services.AddOptions<MonitoringOptions>().Bind(config.Configuration.GetSection(MonitoringOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>();
        services.AddOptions<RegistrationOptions>().Bind(config.Configuration.GetSection(RegistrationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistrationOptions>, RegistrationOptionsValidator>();
        return services;
    }
}
