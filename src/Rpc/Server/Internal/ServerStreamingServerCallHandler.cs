using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

internal sealed class ServerStreamingServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, ServerMethodOptions options, ServiceActivator<TService> activator,
    InterceptorActivator[] interceptors, ILogger logger, Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoker)
    : ServerCallHandlerBase<TService, TRequest, TResponse>(method, options, activator, interceptors, logger)
    where TService : class where TRequest : class where TResponse : class
{
    protected override async Task HandleCallAsyncCore(HttpContext httpContext, HttpContextServerCallContext context)
    {
        var request = await context.ReadSingleMessageAsync(Method.RequestMarshaller).ConfigureAwait(false);
        var writer = new HttpContextStreamWriter<TResponse>(context, Method.ResponseMarshaller);
        if (Interceptors.Length == 0)
        {
            await InvokeServiceAsync(httpContext, request, writer, context).ConfigureAwait(false);
        }
        else
        {
            await BuildPipeline(httpContext)(request, writer, context).ConfigureAwait(false);
        }
    }

    private async Task InvokeServiceAsync(HttpContext httpContext, TRequest request, IServerStreamWriter<TResponse> writer, ServerCallContext context)
    {
        var service = CreateService(httpContext);
        try
        {
            await invoker(service, request, writer, context).ConfigureAwait(false);
        }
        finally
        {
            await Activator.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private ServerStreamingServerMethod<TRequest, TResponse> BuildPipeline(HttpContext httpContext)
    {
        ServerStreamingServerMethod<TRequest, TResponse> next = (request, writer, context) => InvokeServiceAsync(httpContext, request, writer, context);
        for (var i = Interceptors.Length - 1; i >= 0; i--)
        {
            var interceptor = Interceptors[i].Create(httpContext.RequestServices);
            var inner = next;
            next = (request, writer, context) => interceptor.ServerStreamingServerHandler(request, writer, context, inner);
        }
        return next;
    }
}
