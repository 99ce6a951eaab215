using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

internal sealed class DuplexStreamingServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, ServerMethodOptions options, ServiceActivator<TService> activator,
    InterceptorActivator[] interceptors, ILogger logger,
    Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoker)
    : ServerCallHandlerBase<TService, TRequest, TResponse>(method, options, activator, interceptors, logger)
    where TService : class where TRequest : class where TResponse : class
{
    protected override async Task HandleCallAsyncCore(HttpContext httpContext, HttpContextServerCallContext context)
    {
        var reader = new HttpContextStreamReader<TRequest>(context, Method.RequestMarshaller);
        var writer = new HttpContextStreamWriter<TResponse>(context, Method.ResponseMarshaller);
        if (Interceptors.Length == 0)
        {
            await InvokeServiceAsync(httpContext, reader, writer, context).ConfigureAwait(false);
        }
        else
        {
            await BuildPipeline(httpContext)(reader, writer, context).ConfigureAwait(false);
        }
    }

    private async Task InvokeServiceAsync(HttpContext httpContext, IAsyncStreamReader<TRequest> reader, IServerStreamWriter<TResponse> writer, ServerCallContext context)
    {
        var service = CreateService(httpContext);
        try
        {
            await invoker(service, reader, writer, context).ConfigureAwait(false);
        }
        finally
        {
            await Activator.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private DuplexStreamingServerMethod<TRequest, TResponse> BuildPipeline(HttpContext httpContext)
    {
        DuplexStreamingServerMethod<TRequest, TResponse> next = (reader, writer, context) => InvokeServiceAsync(httpContext, reader, writer, context);
        for (var i = Interceptors.Length - 1; i >= 0; i--)
        {
            var interceptor = Interceptors[i].Create(httpContext.RequestServices);
            var inner = next;
            next = (reader, writer, context) => interceptor.DuplexStreamingServerHandler(reader, writer, context, inner);
        }
        return next;
    }
}
