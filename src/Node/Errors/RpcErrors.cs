
namespace Federation.Node.Errors;

/// <summary>
/// The one mapping of the domain's errors to gRPC (KurrentDB's <c>RpcExceptions</c> is the model):
/// each <see cref="DomainException"/> kind is one status code, its message the status's detail,
/// unchanged. Applied where every call passes: the <see cref="Security.SecurityInterceptor"/>
/// (every gRPC call and every page's in-process call, so the audit records the status the
/// caller sees) and the component tests' in-process caller.
/// </summary>
internal static class RpcErrors
{
    public static StatusCode StatusOf(DomainException exception) => exception switch
    {
        InvalidRequestException => StatusCode.InvalidArgument,
        NotFoundException => StatusCode.NotFound,
        AlreadyExistsException => StatusCode.AlreadyExists,
        PreconditionFailedException => StatusCode.FailedPrecondition,
        LimitExceededException => StatusCode.ResourceExhausted,
        PermissionRefusedException => StatusCode.PermissionDenied,
        UnavailableException => StatusCode.Unavailable,
        // A new kind must be added above; until then it is a bug of the node, as any unexpected exception.
        _ => StatusCode.Internal,
    };

    public static RpcException ToRpcException(DomainException exception) => new(new Status(StatusOf(exception), exception.Message));
}
