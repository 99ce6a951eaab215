using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Grpc.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Protocol;

/// <summary>Registers and maps the standard services every node serves: health and reflection.</summary>
public static class StandardServicesExtensions
{
    /// <summary>Adds the health service (a singleton, so its statuses persist) and reflection.</summary>
    public static IGrpcServerBuilder AddStandardServices(this IGrpcServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<HealthServiceImpl>();
        builder.Services.AddSingleton<ReflectionServiceImpl>();
        builder.Services.AddSingleton<ReflectionV1AlphaServiceImpl>();
        return builder;
    }

    /// <summary>Maps <c>grpc.health.v1.Health</c>, <c>grpc.reflection.v1</c> and <c>grpc.reflection.v1alpha</c>.</summary>
    public static IEndpointRouteBuilder MapStandardServices(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<HealthServiceImpl>();
        endpoints.MapGrpcService<ReflectionServiceImpl>();
        endpoints.MapGrpcService<ReflectionV1AlphaServiceImpl>();
        return endpoints;
    }
}
