using System.Net.Sockets;
using Federation.Node.Exchange;
using Grpc.Core;
using Xunit;

namespace Federation.Node.Tests.Exchange;

/// <summary>Why a call to a child failed, as operators read it (issue 22): never an empty detail, never the channel's own wording.</summary>
public sealed class ChildFailureTests
{
    [Fact]
    public void Describe_DeadlineWithoutDetail_SaysNoAnswerWithinTheDeadline()
    {
        // Arrange
        var exception = new RpcException(new Status(StatusCode.DeadlineExceeded, ""));

        // Act
        var text = ChildFailure.Describe(exception);

        // Assert
        Assert.Equal("DeadlineExceeded: no answer within the deadline", text);
    }

    [Fact]
    public void Describe_SubchannelConnectError_GivesTheSocketsReason()
    {
        // Arrange: as grpc-dotnet reports a refused connection.
        var refused = new HttpRequestException("Connection refused (127.0.0.1:7203)", new SocketException((int)SocketError.ConnectionRefused));
        var exception = new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.", refused));

        // Act
        var text = ChildFailure.Describe(exception);

        // Assert
        Assert.StartsWith("Unavailable: cannot connect to the child: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("subchannel", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Describe_WithDetail_KeepsIt()
    {
        Assert.Equal("PermissionDenied: not this node's parent",
            ChildFailure.Describe(new RpcException(new Status(StatusCode.PermissionDenied, "not this node's parent"))));
    }
}
