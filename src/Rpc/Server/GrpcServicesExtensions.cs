using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the gRPC server.</summary>
public static class GrpcServicesExtensions
{
    /// <summary>Adds the gRPC server's services; map services with <c>app.MapGrpcService&lt;T&gt;()</c>.</summary>
    public static IGrpcServerBuilder AddGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        services.AddOptions<GrpcServiceOptions>();
        if (configureOptions is not null)
        {
            services.Configure(configureOptions);
        }
        services.TryAddSingleton<GrpcServiceRegistry>();
        return new Builder(services);
    }

    private sealed class Builder(IServiceCollection services) : IGrpcServerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
