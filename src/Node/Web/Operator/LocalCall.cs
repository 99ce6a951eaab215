
namespace Federation.Node.Web.Operator;

/// <summary>
/// Makes one of the node's own RPCs in process: the service's method with a request message, as
/// gRPC would. The boards of the desk and the console read and act only through this, so what a
/// page shows is what the RPC answers — the same code, the same checks, the same errors. The
/// pages make their calls through the web layer's <c>WebCalls</c> (the security interceptor:
/// the authorisation table's row and the audit entry, as for a gRPC caller); component tests use
/// <see cref="LocalCaller"/>.
/// </summary>
internal interface IServiceCaller
{
    Task<TResponse> CallAsync<TService, TRequest, TResponse>(string method, TRequest request, Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TService : class
        where TRequest : class
        where TResponse : class;
}

/// <summary>Helpers for what an RPC says back.</summary>
internal static class LocalCall
{
    /// <summary>The problem an RPC refused with, as a page says it: the status's detail (it names the field and why).</summary>
    public static string Problem(RpcException ex) => ex.Status.Detail.Length > 0 ? ex.Status.Detail : ex.StatusCode.ToString();
}

/// <summary>
/// Runs the service method directly (activated as grpc-dotnet activates it, <see cref="ActivatorUtilities"/>),
/// with no caller and no authorisation: for component tests of the boards, never for a page.
/// </summary>
internal sealed class LocalCaller(IServiceProvider services, CancellationToken cancellationToken = default) : IServiceCaller
{
    public async Task<TResponse> CallAsync<TService, TRequest, TResponse>(string method, TRequest request, Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TService : class
        where TRequest : class
        where TResponse : class
    {
        var service = ActivatorUtilities.CreateInstance<TService>(services);
        try
        {
            return await handler(service, request, new LocalCallContext(method, cancellationToken));
        }
        catch (Errors.DomainException ex)
        {
            // As the security interceptor answers a gRPC caller: the one mapping.
            throw Errors.RpcErrors.ToRpcException(ex);
        }
        finally
        {
            (service as IDisposable)?.Dispose();
        }
    }
}

/// <summary>The call context of a direct in-process call: its method and cancellation, nothing from the wire.</summary>
internal sealed class LocalCallContext(string method, CancellationToken cancellationToken) : ServerCallContext
{
    protected override string MethodCore => method;

    protected override string HostCore => "localhost";

    protected override string PeerCore => "local";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; } = [];

    protected override CancellationToken CancellationTokenCore => cancellationToken;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore { get; } = new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("an in-process call propagates no context");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
