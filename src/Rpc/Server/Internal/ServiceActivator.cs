using Microsoft.Extensions.DependencyInjection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Creates the service instance for one call. A service registered in dependency injection is
/// resolved from the request's services (and its lifetime is DI's business); otherwise one
/// instance is created per call, with constructor injection, and disposed after it.
/// </summary>
internal sealed class ServiceActivator<TService>
    where TService : class
{
    private readonly ObjectFactory _factory = ActivatorUtilities.CreateFactory(typeof(TService), Type.EmptyTypes);
    private readonly bool _registered;

    public ServiceActivator(IServiceProvider applicationServices)
    {
        var isService = applicationServices.GetService<IServiceProviderIsService>();
        _registered = isService?.IsService(typeof(TService)) ?? false;
    }

    public TService Create(IServiceProvider requestServices) =>
        _registered ? requestServices.GetRequiredService<TService>() : (TService)_factory(requestServices, null);

    public ValueTask ReleaseAsync(TService service)
    {
        if (_registered)
        {
            return default;
        }
        if (service is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }
        (service as IDisposable)?.Dispose();
        return default;
    }
}
