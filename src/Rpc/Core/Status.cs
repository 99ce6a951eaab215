using System.Diagnostics;

namespace Grpc.Core;

/// <summary>The status of a completed call: a <see cref="StatusCode"/> and a detail message.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct Status : IEquatable<Status>
{
    /// <summary>The default status: OK with an empty detail.</summary>
    public static readonly Status DefaultSuccess = new(StatusCode.OK, "");

    /// <summary>The status of a call cancelled by the local side.</summary>
    public static readonly Status DefaultCancelled = new(StatusCode.Cancelled, "");

    /// <summary>Creates a status.</summary>
    /// <param name="statusCode">The code.</param>
    /// <param name="detail">A message a person can act on; sent percent-encoded in <c>grpc-message</c>.</param>
    public Status(StatusCode statusCode, string detail)
        : this(statusCode, detail, null)
    {
    }

    /// <summary>Creates a status carrying the exception that caused it (never sent on the wire).</summary>
    public Status(StatusCode statusCode, string detail, Exception? debugException)
    {
        StatusCode = statusCode;
        Detail = detail ?? "";
        DebugException = debugException;
    }

    /// <summary>The status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The detail message.</summary>
    public string Detail { get; }

    /// <summary>The local exception behind this status, if any. For diagnostics only.</summary>
    public Exception? DebugException { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\"";
        return DebugException is null
            ? text + ")"
            : text + $", DebugException=\"{DebugException.GetType()}: {DebugException.Message}\")";
    }

    /// <inheritdoc />
    public bool Equals(Status other) => StatusCode == other.StatusCode && Detail == other.Detail;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Status other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(StatusCode, Detail);

    /// <summary>Equality on code and detail.</summary>
    public static bool operator ==(Status left, Status right) => left.Equals(right);

    /// <summary>Inequality on code and detail.</summary>
    public static bool operator !=(Status left, Status right) => !left.Equals(right);
}
