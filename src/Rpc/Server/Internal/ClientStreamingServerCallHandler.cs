using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

internal sealed class ClientStreamingServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, ServerMethodOptions options, ServiceActivator<TService> activator,
    InterceptorActivator[] interceptors, ILogger logger, Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> invoker)
    : ServerCallHandlerBase<TService, TRequest, TResponse>(method, options, activator, interceptors, logger)
    where TService : class where TRequest : class where TResponse : class
{
    protected override async Task HandleCallAsyncCore(HttpContext httpContext, HttpContextServerCallContext context)
    {
        var reader = new HttpContextStreamReader<TRequest>(context, Method.RequestMarshaller);
        var response = Interceptors.Length == 0
            ? await InvokeServiceAsync(httpContext, reader, context).ConfigureAwait(false)
            : await BuildPipeline(httpContext)(reader, context).ConfigureAwait(false);
        if (response is null)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "No message returned from method."));
        }
        if (context.Status.StatusCode == StatusCode.OK)
        {
            await context.WriteMessageAsync(response, Method.ResponseMarshaller, null, flush: false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<TResponse> InvokeServiceAsync(HttpContext httpContext, IAsyncStreamReader<TRequest> reader, ServerCallContext context)
    {
        var service = CreateService(httpContext);
        try
        {
            return await invoker(service, reader, context).ConfigureAwait(false);
        }
        finally
        {
            await Activator.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private ClientStreamingServerMethod<TRequest, TResponse> BuildPipeline(HttpContext httpContext)
    {
        ClientStreamingServerMethod<TRequest, TResponse> next = (reader, context) => InvokeServiceAsync(httpContext, reader, context);
        for (var i = Interceptors.Length - 1; i >= 0; i--)
        {
            var interceptor = Interceptors[i].Create(httpContext.RequestServices);
            var inner = next;
            next = (reader, context) => interceptor.ClientStreamingServerHandler(reader, context, inner);
        }
        return next;
    }
}
