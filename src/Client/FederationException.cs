using Grpc.Core;

namespace Federation.Client;

/// <summary>
/// A call to a node failed. <see cref="StatusCode"/> and <see cref="ServerMessage"/> are the gRPC
/// status the node (or the transport) reported; <see cref="Transport"/> says, when the call never
/// reached the node, why; <see cref="Exception.Message"/> says it for a person.
/// </summary>
public sealed class FederationException : Exception
{
    internal FederationException(string operation, string address, RpcException inner)
        : this(operation, address, inner, TransportProblems.Classify(inner, address.StartsWith("https:", StringComparison.OrdinalIgnoreCase)))
    {
    }

    private FederationException(string operation, string address, RpcException inner, TransportProblem transport)
        : base(Describe(operation, address, inner.Status, transport), inner)
    {
        StatusCode = inner.StatusCode;
        ServerMessage = inner.Status.Detail;
        Transport = transport;
    }

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status message from the node (or the transport).</summary>
    public string ServerMessage { get; }

    /// <summary>Why the call did not reach the node, when that is known.</summary>
    public TransportProblem Transport { get; }

    /// <summary>Whether the node could not be reached or did not answer in time (not a credentials problem).</summary>
    public bool IsUnavailable => !IsPermissionProblem && (Transport is TransportProblem.Unreachable or TransportProblem.NotGrpc
        || StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded);

    /// <summary>Whether the caller lacks credentials or permission, or the two sides' TLS credentials do not fit.</summary>
    public bool IsPermissionProblem => StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated
        || Transport is TransportProblem.ClientCertificateRefused or TransportProblem.ServerCertificateNotTrusted or TransportProblem.TlsHandshakeFailed;

    private static string Describe(string operation, string address, Status status, TransportProblem transport) => transport switch
    {
        TransportProblem.Unreachable => $"{operation}: the node at {address} cannot be reached (nothing answers there, or the network is down)",
        TransportProblem.ServerCertificateNotTrusted => $"{operation}: the node at {address} presented a TLS certificate that is not trusted (not issued by the CA given, expired, or for another name)",
        TransportProblem.ClientCertificateRefused => $"{operation}: the node at {address} closed the connection after the TLS handshake: it requires a client certificate from its CA, or refused the one presented",
        TransportProblem.TlsHandshakeFailed => $"{operation}: the TLS handshake with {address} failed ({status.Detail})",
        TransportProblem.NotGrpc => $"{operation}: {address} does not answer gRPC over cleartext HTTP/2 (is it an https:// node?)",
        _ => status.StatusCode switch
        {
            StatusCode.Unavailable => $"{operation}: the node at {address} is unavailable ({status.Detail})",
            StatusCode.DeadlineExceeded => $"{operation}: the node at {address} did not answer in time",
            StatusCode.Unauthenticated => $"{operation}: the node at {address} needs credentials ({status.Detail})",
            StatusCode.PermissionDenied => $"{operation}: permission denied by the node at {address} ({status.Detail})",
            _ => $"{operation}: {status.Detail} ({status.StatusCode})",
        },
    };
}
