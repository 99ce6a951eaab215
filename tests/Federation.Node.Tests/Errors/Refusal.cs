using Federation.Node.Errors;
using Grpc.Core;
using Xunit;

namespace Federation.Node.Tests.Errors;

/// <summary>
/// What a caller of the node would get from a rule's refusal, through the node's one mapping
/// (<see cref="RpcErrors"/>): a test of a desk asserts the status code and detail a gRPC caller
/// sees, without a server.
/// </summary>
internal static class Refusal
{
    /// <summary>The domain exception <paramref name="act"/> throws, as the caller's status.</summary>
    public static RpcException Of(Action act) => RpcErrors.ToRpcException(Assert.ThrowsAny<DomainException>(act));
}
