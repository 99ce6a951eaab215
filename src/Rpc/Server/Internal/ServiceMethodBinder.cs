using System.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Receives a service's methods from its generated <c>BindService(ServiceBinderBase, XBase)</c>
/// (called with a null implementation) and builds one request delegate per method. Handlers are
/// open-instance delegates on <typeparamref name="TService"/>, so a fresh (or DI-resolved)
/// service instance serves each call.
/// </summary>
internal sealed class ServiceMethodBinder<TService> : ServiceBinderBase
    where TService : class
{
    private readonly ServerMethodOptions _options;
    private readonly ServiceActivator<TService> _activator;
    private readonly InterceptorActivator[] _interceptors;
    private readonly ILogger _logger;

    public ServiceMethodBinder(ServerMethodOptions options, ServiceActivator<TService> activator, InterceptorActivator[] interceptors, ILogger logger)
    {
        _options = options;
        _activator = activator;
        _interceptors = interceptors;
        _logger = logger;
    }

    public List<(IMethod Method, RequestDelegate Handler)> Methods { get; } = [];

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = CreateInvoker<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(method, typeof(TRequest), typeof(ServerCallContext));
        var callHandler = new UnaryServerCallHandler<TService, TRequest, TResponse>(method, _options, _activator, _interceptors, _logger, invoker);
        Methods.Add((method, callHandler.HandleCallAsync));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = CreateInvoker<Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>(method,
            typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
        var callHandler = new ClientStreamingServerCallHandler<TService, TRequest, TResponse>(method, _options, _activator, _interceptors, _logger, invoker);
        Methods.Add((method, callHandler.HandleCallAsync));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = CreateInvoker<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method,
            typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        var callHandler = new ServerStreamingServerCallHandler<TService, TRequest, TResponse>(method, _options, _activator, _interceptors, _logger, invoker);
        Methods.Add((method, callHandler.HandleCallAsync));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = CreateInvoker<Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method,
            typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        var callHandler = new DuplexStreamingServerCallHandler<TService, TRequest, TResponse>(method, _options, _activator, _interceptors, _logger, invoker);
        Methods.Add((method, callHandler.HandleCallAsync));
    }

    private static TDelegate CreateInvoker<TDelegate>(IMethod method, params Type[] parameterTypes)
        where TDelegate : Delegate
    {
        var methodInfo = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameterTypes)
            ?? throw new InvalidOperationException($"Could not find method '{method.Name}' with the expected signature on {typeof(TService)}.");
        return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), methodInfo);
    }
}
