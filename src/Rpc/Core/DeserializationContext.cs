using System.Buffers;

namespace Grpc.Core;

/// <summary>The payload of one received message, handed to a deserializer.</summary>
public abstract class DeserializationContext
{
    /// <summary>The payload length in bytes.</summary>
    public virtual int PayloadLength => 0;

    /// <summary>The payload copied into a new array.</summary>
    public virtual byte[] PayloadAsNewBuffer() => throw new NotImplementedException();

    /// <summary>
    /// The payload without copying. Valid only until the deserializer returns: the runtime reuses
    /// the underlying buffers afterwards.
    /// </summary>
    public virtual ReadOnlySequence<byte> PayloadAsReadOnlySequence() => throw new NotImplementedException();
}
