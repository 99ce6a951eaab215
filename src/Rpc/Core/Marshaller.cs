namespace Grpc.Core;

/// <summary>Turns messages of type <typeparamref name="T"/> into bytes and back.</summary>
public class Marshaller<T>
{
    private readonly Func<T, byte[]>? _simpleSerializer;
    private readonly Func<byte[], T>? _simpleDeserializer;

    /// <summary>Creates a marshaller from contextual (buffer-writer / sequence) functions.</summary>
    public Marshaller(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(deserializer);
        ContextualSerializer = serializer;
        ContextualDeserializer = deserializer;
    }

    /// <summary>Creates a marshaller from byte-array functions.</summary>
    public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(deserializer);
        _simpleSerializer = serializer;
        _simpleDeserializer = deserializer;
        ContextualSerializer = (message, context) => context.Complete(serializer(message));
        ContextualDeserializer = context => deserializer(context.PayloadAsNewBuffer());
    }

    /// <summary>The contextual serializer; the runtime always calls this one.</summary>
    public Action<T, SerializationContext> ContextualSerializer { get; }

    /// <summary>The contextual deserializer; the runtime always calls this one.</summary>
    public Func<DeserializationContext, T> ContextualDeserializer { get; }

    /// <summary>A byte-array serializer (wraps the contextual one when not given).</summary>
    public Func<T, byte[]> Serializer => _simpleSerializer ?? (message =>
    {
        var context = new ArraySerializationContext();
        ContextualSerializer(message, context);
        return context.Result;
    });

    /// <summary>A byte-array deserializer (wraps the contextual one when not given).</summary>
    public Func<byte[], T> Deserializer => _simpleDeserializer ?? (bytes => ContextualDeserializer(new ArrayDeserializationContext(bytes)));

    private sealed class ArraySerializationContext : SerializationContext
    {
        private System.Buffers.ArrayBufferWriter<byte>? _writer;
        public byte[] Result { get; private set; } = [];

        public override void Complete(byte[] payload) => Result = payload;

        public override System.Buffers.IBufferWriter<byte> GetBufferWriter() => _writer ??= new System.Buffers.ArrayBufferWriter<byte>();

        public override void Complete() => Result = _writer?.WrittenSpan.ToArray() ?? [];
    }

    private sealed class ArrayDeserializationContext(byte[] payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])payload.Clone();

        public override System.Buffers.ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }
}
