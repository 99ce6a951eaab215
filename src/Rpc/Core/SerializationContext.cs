using System.Buffers;

namespace Grpc.Core;

/// <summary>
/// Where a serializer writes one message: either <see cref="Complete(byte[])"/> with the whole
/// payload, or <see cref="SetPayloadLength"/>, then <see cref="GetBufferWriter"/>, then
/// <see cref="Complete()"/> (which lets the runtime write straight into the transport).
/// </summary>
public abstract class SerializationContext
{
    /// <summary>Completes serialization with the whole payload.</summary>
    public virtual void Complete(byte[] payload) => throw new NotImplementedException();

    /// <summary>A buffer writer to serialize into.</summary>
    public virtual IBufferWriter<byte> GetBufferWriter() => throw new NotImplementedException();

    /// <summary>Announces the payload's length before writing to <see cref="GetBufferWriter"/>.</summary>
    public virtual void SetPayloadLength(int payloadLength)
    {
    }

    /// <summary>Completes serialization after writing to <see cref="GetBufferWriter"/>.</summary>
    public virtual void Complete() => throw new NotImplementedException();
}
