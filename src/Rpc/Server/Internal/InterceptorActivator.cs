using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Creates one registered interceptor for a call (from DI if registered there).</summary>
internal sealed class InterceptorActivator
{
    private readonly InterceptorRegistration _registration;
    private readonly ObjectFactory _factory;
    private readonly bool _registered;

    public InterceptorActivator(InterceptorRegistration registration, IServiceProvider applicationServices)
    {
        _registration = registration;
        _factory = ActivatorUtilities.CreateFactory(registration.Type, [.. registration.Arguments.Select(a => a.GetType())]);
        _registered = registration.Arguments.Count == 0 &&
            (applicationServices.GetService<IServiceProviderIsService>()?.IsService(registration.Type) ?? false);
    }

    public Interceptor Create(IServiceProvider requestServices) => _registered
        ? (Interceptor)requestServices.GetRequiredService(_registration.Type)
        : (Interceptor)_factory(requestServices, [.. _registration.Arguments]);

    public static InterceptorActivator[] CreateAll(GrpcServiceOptions options, IServiceProvider applicationServices) =>
        [.. options.Interceptors.Select(r => new InterceptorActivator(r, applicationServices))];
}
