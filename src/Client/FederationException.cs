using Grpc.Core;

namespace Federation.Client;

/// <summary>
/// A call to a node failed. <see cref="StatusCode"/> and <see cref="ServerMessage"/> are the gRPC
/// status the node (or the transport) reported; <see cref="Exception.Message"/> says it for a person.
/// </summary>
public sealed class FederationException : Exception
{
    internal FederationException(string operation, string address, RpcException inner)
        : base(Describe(operation, address, inner.Status), inner)
    {
        StatusCode = inner.StatusCode;
        ServerMessage = inner.Status.Detail;
    }

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status message from the node (or the transport).</summary>
    public string ServerMessage { get; }

    /// <summary>Whether the node could not be reached or did not answer in time.</summary>
    public bool IsUnavailable => StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded;

    /// <summary>Whether the caller lacks credentials or permission.</summary>
    public bool IsPermissionProblem => StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated;

    private static string Describe(string operation, string address, Status status) => status.StatusCode switch
    {
        StatusCode.Unavailable => $"{operation}: the node at {address} is unavailable ({status.Detail})",
        StatusCode.DeadlineExceeded => $"{operation}: the node at {address} did not answer in time",
        StatusCode.Unauthenticated => $"{operation}: the node at {address} needs credentials ({status.Detail})",
        StatusCode.PermissionDenied => $"{operation}: permission denied by the node at {address} ({status.Detail})",
        _ => $"{operation}: {status.Detail} ({status.StatusCode})",
    };
}
