namespace Federation.Node.Errors;

/// <summary>
/// A rule of the node refused a request: the domain's own error, thrown by the desks, the
/// services' checks and the store's callers, never a transport status. Its message is for the
/// operator or the official who made the call — it names the field or the state and why, and
/// never holds personal data (ID numbers are masked as the code already masks them). The one
/// place that turns it into a gRPC status is <see cref="RpcErrors"/>; each kind below is one status.
/// </summary>
internal abstract class DomainException(string message) : Exception(message);

/// <summary>A field of the request is malformed or out of range (INVALID_ARGUMENT): the caller fixes the request.</summary>
internal sealed class InvalidRequestException(string message) : DomainException(message);

/// <summary>What the request names is not here (NOT_FOUND): an application, a registration, a sealed period, an account…</summary>
internal sealed class NotFoundException(string message) : DomainException(message);

/// <summary>The request conflicts with something that already exists (ALREADY_EXISTS): a pending application, a reused reference.</summary>
internal sealed class AlreadyExistsException(string message) : DomainException(message);

/// <summary>The node is not in the state the request needs (FAILED_PRECONDITION): retrying as is will not help until that state changes.</summary>
internal sealed class PreconditionFailedException(string message) : DomainException(message);

/// <summary>A limit of the node was reached (RESOURCE_EXHAUSTED): an upload too large, a full disk.</summary>
internal sealed class LimitExceededException(string message) : DomainException(message);

/// <summary>The caller is known but its rights do not cover this request (PERMISSION_DENIED).</summary>
internal sealed class PermissionRefusedException(string message) : DomainException(message);

/// <summary>What the answer needs cannot be reached now (UNAVAILABLE): trying again later may succeed.</summary>
internal sealed class UnavailableException(string message) : DomainException(message);
