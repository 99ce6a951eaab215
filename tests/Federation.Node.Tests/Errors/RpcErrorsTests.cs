using Federation.Node.Errors;
using Grpc.Core;
using Xunit;

namespace Federation.Node.Tests.Errors;

/// <summary>
/// The one mapping of the domain's errors to gRPC (<see cref="RpcErrors"/>): every kind of
/// <see cref="DomainException"/> the node defines is one status code, and the message reaches the
/// caller unchanged as the status's detail.
/// </summary>
public sealed class RpcErrorsTests
{
    // The status a caller sees for each kind; a kind missing here (or from the mapping) fails below.
    private static readonly Dictionary<Type, StatusCode> Expected = new()
    {
        [typeof(InvalidRequestException)] = StatusCode.InvalidArgument,
        [typeof(NotFoundException)] = StatusCode.NotFound,
        [typeof(AlreadyExistsException)] = StatusCode.AlreadyExists,
        [typeof(PreconditionFailedException)] = StatusCode.FailedPrecondition,
        [typeof(LimitExceededException)] = StatusCode.ResourceExhausted,
        [typeof(PermissionRefusedException)] = StatusCode.PermissionDenied,
        [typeof(UnavailableException)] = StatusCode.Unavailable,
    };

    private static IEnumerable<Type> Kinds() => typeof(DomainException).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(DomainException)) && !t.IsAbstract);

    public static TheoryData<string> KindNames => [.. Kinds().Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(KindNames))]
    public void EveryKind_MapsToItsStatus_WithTheMessageAsDetail(string kind)
    {
        // Arrange
        var type = Kinds().Single(t => t.Name == kind);
        Assert.True(Expected.TryGetValue(type, out var status), $"{kind} has no expected status in this test's table");
        const string message = "period 2026-09-30 is not sealed on this node; sealed periods: none";
        var exception = (DomainException)Activator.CreateInstance(type, message)!;

        // Act
        var rpc = RpcErrors.ToRpcException(exception);

        // Assert
        Assert.Equal(status, rpc.StatusCode);
        Assert.Equal(message, rpc.Status.Detail);
    }

    [Fact]
    public void TheKinds_AreExactlyTheTable_AndNoTwoShareAStatus()
    {
        Assert.Equal(Expected.Keys.Select(t => t.Name).Order(StringComparer.Ordinal), Kinds().Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(Expected.Count, Expected.Values.Distinct().Count());
        Assert.DoesNotContain(StatusCode.Internal, Kinds().Select(t => RpcErrors.StatusOf((DomainException)Activator.CreateInstance(t, "x")!)));
    }
}
