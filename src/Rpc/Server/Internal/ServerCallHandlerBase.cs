using Grpc.Core;
using Grpc.Core.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// What every call kind shares: protocol checks (HTTP/2, content-type), the call context, and
/// turning whatever happens into a status. Subclasses read, invoke and write.
/// </summary>
internal abstract class ServerCallHandlerBase<TService, TRequest, TResponse>
    where TService : class where TRequest : class where TResponse : class
{
    protected ServerCallHandlerBase(Method<TRequest, TResponse> method, ServerMethodOptions options, ServiceActivator<TService> activator,
        InterceptorActivator[] interceptors, ILogger logger)
    {
        Method = method;
        Options = options;
        Activator = activator;
        Interceptors = interceptors;
        Logger = logger;
    }

    protected Method<TRequest, TResponse> Method { get; }
    protected ServerMethodOptions Options { get; }
    protected ServiceActivator<TService> Activator { get; }
    protected InterceptorActivator[] Interceptors { get; }
    protected ILogger Logger { get; }

    public Task HandleCallAsync(HttpContext httpContext)
    {
        if (!HttpProtocol.IsHttp2(httpContext.Request.Protocol))
        {
            return ProtocolErrors.RejectNonHttp2Async(httpContext, Logger);
        }
        if (!GrpcProtocolConstants.IsGrpcContentType(httpContext.Request.ContentType))
        {
            return ProtocolErrors.RejectContentTypeAsync(httpContext, Logger);
        }

        // Messages are limited one by one (MaxReceiveMessageSize); Kestrel's whole-body limit
        // (30 MB) and minimum data rate would cut long-lived streams.
        var maxBody = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (maxBody is { IsReadOnly: false })
        {
            maxBody.MaxRequestBodySize = null;
        }
        if (Method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming)
        {
            var minRate = httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>();
            if (minRate is not null)
            {
                minRate.MinDataRate = null;
            }
        }

        var context = new HttpContextServerCallContext(httpContext, Options, Method, Logger);
        context.Initialize();
        return RunAsync(httpContext, context);
    }

    private async Task RunAsync(HttpContext httpContext, HttpContextServerCallContext context)
    {
        try
        {
            await HandleCallAsyncCore(httpContext, context).ConfigureAwait(false);
            await context.EndCallAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await context.EndCallWithErrorAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            context.Cleanup();
        }
    }

    /// <summary>Reads the request, runs the handler (through interceptors) and writes the response.</summary>
    protected abstract Task HandleCallAsyncCore(HttpContext httpContext, HttpContextServerCallContext context);

    protected TService CreateService(HttpContext httpContext) => Activator.Create(httpContext.RequestServices);
}
