
namespace Federation.Node.Web.Operator;

/// <summary>The boards' calls made by a page: through <see cref="WebCalls"/>, so each is authorised by the table's row and audited as the gRPC call is.</summary>
internal sealed class WebCaller(WebCalls calls, HttpContext http) : IServiceCaller
{
    public Task<TResponse> CallAsync<TService, TRequest, TResponse>(string method, TRequest request, Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TService : class
        where TRequest : class
        where TResponse : class =>
        calls.UnaryAsync(http, method, request, handler);
}
