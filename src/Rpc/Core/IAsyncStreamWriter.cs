namespace Grpc.Core;

/// <summary>Writes a stream of messages. Only one write may be in progress at a time.</summary>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Options for the following writes; <c>null</c> means defaults.</summary>
    WriteOptions? WriteOptions { get; set; }

    /// <summary>Writes one message.</summary>
    Task WriteAsync(T message);

    /// <summary>Writes one message, cancellable.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? throw new NotSupportedException("This writer does not support cancellation tokens.") : WriteAsync(message);
}
