namespace Grpc.Core;

/// <summary>
/// Thrown when a call completes with a non-OK status. Thrown by a server handler, it ends the
/// call with its <see cref="Status"/> and adds its <see cref="Trailers"/> to the response trailers.
/// </summary>
public class RpcException : Exception
{
    /// <summary>Creates an exception for the given status.</summary>
    public RpcException(Status status)
        : this(status, Metadata.Empty, null)
    {
    }

    /// <summary>Creates an exception for the given status with a custom message.</summary>
    public RpcException(Status status, string? message)
        : this(status, Metadata.Empty, message)
    {
    }

    /// <summary>Creates an exception for the given status and trailers.</summary>
    public RpcException(Status status, Metadata trailers)
        : this(status, trailers, null)
    {
    }

    /// <summary>Creates an exception for the given status, trailers and message.</summary>
    public RpcException(Status status, Metadata trailers, string? message)
        : base(message ?? $"Status(StatusCode=\"{status.StatusCode}\", Detail=\"{status.Detail}\")", status.DebugException)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        Status = status;
        Trailers = trailers;
    }

    /// <summary>The status of the call.</summary>
    public Status Status { get; }

    /// <summary>Shortcut for <c>Status.StatusCode</c>.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The trailing metadata of the call (received, or to be sent by a server handler).</summary>
    public Metadata Trailers { get; }
}
