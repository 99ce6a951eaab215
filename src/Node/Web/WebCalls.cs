using Microsoft.Extensions.Options;

namespace Federation.Node.Web;

/// <summary>
/// How a page does what it does: by making the very RPC it mirrors, in process, through the
/// node's <see cref="Security.SecurityInterceptor"/> — the same authorisation table row, the same
/// audit entry, the same rate limit and the same service code as a gRPC caller gets. There is no
/// second copy of any rule in the web layer: a page only turns a form into a request message
/// and the answer (or the refusal's status) into HTML. The caller is the page's signed-in
/// account (<see cref="WebSession"/>), looked up again for every call, or anonymous.
/// </summary>
internal sealed class WebCalls(Security.SecurityInterceptor interceptor, IOptions<WebOptions> options, TimeProvider time)
{
    /// <summary>
    /// Calls <paramref name="method"/> (its full gRPC name, a row of <see cref="Security.AccessTable"/>)
    /// with <paramref name="request"/>, the service resolved as gRPC resolves it. Throws
    /// <see cref="RpcException"/> as a gRPC caller would see it (<c>PermissionDenied</c>, <c>InvalidArgument</c>…).
    /// </summary>
    public async Task<TResponse> UnaryAsync<TService, TRequest, TResponse>(HttpContext http, string method, TRequest request,
        Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TService : class
        where TRequest : class
        where TResponse : class
    {
        if (!Security.AccessTable.Rules.ContainsKey(method))
        {
            throw new InvalidOperationException($"{method} is not in the authorisation table; a page may only make calls the table lists");
        }
        var context = new WebCallContext(http, method, time.GetUtcNow().UtcDateTime + options.Value.CallTimeout, WebSession.Current(http));
        // As grpc-dotnet activates a service per call: from the request's services.
        var service = ActivatorUtilities.GetServiceOrCreateInstance<TService>(http.RequestServices);
        try
        {
            return await interceptor.UnaryServerHandler(request, context, (r, c) => handler(service, r, c));
        }
        finally
        {
            (service as IDisposable)?.Dispose();
        }
    }
}

/// <summary>
/// The <see cref="ServerCallContext"/> of a call a page makes in process. It carries the page's
/// <see cref="HttpContext"/> (client address, cancellation) the way grpc-dotnet's own test
/// contexts do (<c>UserState["__HttpContext"]</c>, read by <c>GetHttpContext()</c>), no request
/// headers (a page never passes a token or an on-behalf-of header on), and the signed-in session, if any.
/// </summary>
internal sealed class WebCallContext : ServerCallContext
{
    // The key grpc-dotnet's GetHttpContext() reads when the context is not its own.
    private const string HttpContextKey = "__HttpContext";

    private readonly HttpContext _http;
    private readonly string _method;
    private readonly DateTime _deadline;
    private readonly Dictionary<object, object> _userState = [];

    public WebCallContext(HttpContext http, string method, DateTime deadline, WebSession? session)
    {
        _http = http;
        _method = method;
        _deadline = deadline;
        _userState[HttpContextKey] = http;
        if (session is not null)
        {
            _userState[WebSession.UserStateKey] = session;
        }
    }

    protected override string MethodCore => _method;
    protected override string HostCore => _http.Request.Host.Value ?? "";
    protected override string PeerCore => $"web:{_http.Connection.RemoteIpAddress}:{_http.Connection.RemotePort}";
    protected override DateTime DeadlineCore => _deadline;
    protected override Metadata RequestHeadersCore { get; } = [];
    protected override CancellationToken CancellationTokenCore => _http.RequestAborted;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, []);
    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("a page's call is not propagated");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
