using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

internal sealed class UnaryServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, ServerMethodOptions options, ServiceActivator<TService> activator,
    InterceptorActivator[] interceptors, ILogger logger, Func<TService, TRequest, ServerCallContext, Task<TResponse>> invoker)
    : ServerCallHandlerBase<TService, TRequest, TResponse>(method, options, activator, interceptors, logger)
    where TService : class where TRequest : class where TResponse : class
{
    protected override async Task HandleCallAsyncCore(HttpContext httpContext, HttpContextServerCallContext context)
    {
        var request = await context.ReadSingleMessageAsync(Method.RequestMarshaller).ConfigureAwait(false);
        var response = Interceptors.Length == 0
            ? await InvokeServiceAsync(httpContext, request, context).ConfigureAwait(false)
            : await BuildPipeline(httpContext)(request, context).ConfigureAwait(false);
        if (response is null)
        {
            // Grpc.Core compatibility: a handler must return a message.
            throw new RpcException(new Status(StatusCode.Cancelled, "No message returned from method."));
        }
        if (context.Status.StatusCode == StatusCode.OK)
        {
            await context.WriteMessageAsync(response, Method.ResponseMarshaller, null, flush: false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<TResponse> InvokeServiceAsync(HttpContext httpContext, TRequest request, ServerCallContext context)
    {
        var service = CreateService(httpContext);
        try
        {
            return await invoker(service, request, context).ConfigureAwait(false);
        }
        finally
        {
            await Activator.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private UnaryServerMethod<TRequest, TResponse> BuildPipeline(HttpContext httpContext)
    {
        UnaryServerMethod<TRequest, TResponse> next = (request, context) => InvokeServiceAsync(httpContext, request, context);
        for (var i = Interceptors.Length - 1; i >= 0; i--)
        {
            var interceptor = Interceptors[i].Create(httpContext.RequestServices);
            var inner = next;
            next = (request, context) => interceptor.UnaryServerHandler(request, context, inner);
        }
        return next;
    }
}
