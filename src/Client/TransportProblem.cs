using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;

namespace Federation.Client;

/// <summary>Why a call failed before the node could answer it, when the transport says so.</summary>
public enum TransportProblem
{
    /// <summary>The node answered (the status is its own), or the cause is not known.</summary>
    None,

    /// <summary>Nothing listens at the address, the host is unknown or the network unreachable.</summary>
    Unreachable,

    /// <summary>The node's TLS certificate is not trusted (not issued by the CA given, expired, wrong name).</summary>
    ServerCertificateNotTrusted,

    /// <summary>
    /// The node closed the connection right after the TLS handshake: it requires a client
    /// certificate from its CA and none was presented, or it refused the one presented.
    /// </summary>
    ClientCertificateRefused,

    /// <summary>The TLS handshake failed for another reason (protocol or cipher mismatch).</summary>
    TlsHandshakeFailed,

    /// <summary>The address speaks something other than gRPC over HTTP/2 (an https node called with http://, a web server).</summary>
    NotGrpc,
}

/// <summary>
/// Reads the cause of a failed call from the exceptions grpc-dotnet attaches to the status
/// (<see cref="Status.DebugException"/>): the status code alone says UNAVAILABLE for a refused
/// connection and for a refused client certificate alike, and INTERNAL for an untrusted server.
/// </summary>
internal static class TransportProblems
{
    public static TransportProblem Classify(RpcException exception, bool https)
    {
        if (exception.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown))
        {
            return TransportProblem.None;
        }
        for (Exception? cause = exception.Status.DebugException ?? exception.InnerException; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case AuthenticationException authentication:
                    return authentication.Message.Contains("remote certificate", StringComparison.OrdinalIgnoreCase)
                        ? TransportProblem.ServerCertificateNotTrusted
                        : TransportProblem.TlsHandshakeFailed;
                // TLS 1.3: the client's side of the handshake completes before the server has
                // checked the client's certificate; a server that refuses it then closes the
                // connection, and the client sees its TLS stream disposed mid-way.
                case ObjectDisposedException disposed when https && disposed.ObjectName?.Contains("SslStream", StringComparison.Ordinal) == true:
                    return TransportProblem.ClientCertificateRefused;
                case SocketException:
                    return TransportProblem.Unreachable;
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }:
                    return TransportProblem.Unreachable;
                case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded } when !https:
                    return TransportProblem.NotGrpc;
            }
        }
        // The channel reports a refused connection as "Error connecting to subchannel." with the
        // socket error inside, or without it once it has backed off.
        return exception.StatusCode == StatusCode.Unavailable && exception.Status.Detail.Contains("subchannel", StringComparison.OrdinalIgnoreCase)
            ? TransportProblem.Unreachable
            : TransportProblem.None;
    }
}
