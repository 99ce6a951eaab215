using System.Buffers;
using System.IO.Compression;
using Grpc.Net.Compression;

namespace Grpc.Core.Internal;

/// <summary>
/// The <see cref="SerializationContext"/> a marshaller writes one outgoing message into. It
/// frames the message into <c>destination</c>: uncompressed messages of known length go straight
/// into it with no copy (header first, then protobuf's <c>WriteTo(IBufferWriter)</c>); compressed
/// or unknown-length messages go through a scratch buffer that is kept for the call's next message.
/// One instance per call; not thread-safe (a call writes one message at a time).
/// </summary>
internal sealed class OutgoingMessageContext : SerializationContext
{
    private enum State { Idle, Direct, Buffering, Done }

    private IBufferWriter<byte> _destination = null!;
    private ICompressionProvider? _compression;
    private CompressionLevel? _compressionLevel;
    private int? _maxMessageSize;
    private ArrayBufferWriter<byte>? _scratch;
    private ArrayBufferWriter<byte>? _compressedScratch;
    private State _state;

    /// <summary>Bytes (header included) written to the destination by the last message.</summary>
    public int WrittenLength { get; private set; }

    /// <summary>Serializes <paramref name="message"/> framed into <paramref name="destination"/>.</summary>
    public void Serialize<T>(T message, Action<T, SerializationContext> serializer, IBufferWriter<byte> destination,
        ICompressionProvider? compression, CompressionLevel? compressionLevel, int? maxMessageSize)
    {
        _destination = destination;
        _compression = compression;
        _compressionLevel = compressionLevel;
        _maxMessageSize = maxMessageSize;
        _state = State.Idle;
        WrittenLength = 0;
        try
        {
            serializer(message, this);
        }
        finally
        {
            _destination = null!;
        }
        if (_state != State.Done)
        {
            _state = State.Idle;
            throw new InvalidOperationException("The message serializer did not complete the message (SerializationContext.Complete was not called).");
        }
    }

    public override void SetPayloadLength(int payloadLength)
    {
        CheckSize(payloadLength);
        if (_compression is null && _state == State.Idle)
        {
            var header = _destination.GetSpan(GrpcProtocolConstants.MessageHeaderSize);
            MessageFraming.WriteHeader(header, compressed: false, payloadLength);
            _destination.Advance(GrpcProtocolConstants.MessageHeaderSize);
            WrittenLength = GrpcProtocolConstants.MessageHeaderSize + payloadLength;
            _state = State.Direct;
        }
    }

    public override IBufferWriter<byte> GetBufferWriter()
    {
        switch (_state)
        {
            case State.Direct:
                return _destination;
            case State.Idle:
                _state = State.Buffering;
                _scratch ??= new ArrayBufferWriter<byte>();
                _scratch.ResetWrittenCount();
                return _scratch;
            case State.Buffering:
                return _scratch!;
            default:
                throw new InvalidOperationException("The message has already been completed.");
        }
    }

    public override void Complete()
    {
        switch (_state)
        {
            case State.Direct:
                _state = State.Done;
                return;
            case State.Buffering:
                CheckSize(_scratch!.WrittenCount);
                WriteFramed(_scratch.WrittenSpan);
                return;
            default:
                throw new InvalidOperationException("Complete() was called without writing to GetBufferWriter().");
        }
    }

    public override void Complete(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (_state != State.Idle)
        {
            throw new InvalidOperationException("The message has already been written.");
        }
        CheckSize(payload.Length);
        WriteFramed(payload);
    }

    private void WriteFramed(ReadOnlySpan<byte> payload)
    {
        var body = payload;
        var compressed = false;
        if (_compression is not null)
        {
            _compressedScratch ??= new ArrayBufferWriter<byte>();
            _compressedScratch.ResetWrittenCount();
            using (var target = new BufferWriterStream(_compressedScratch))
            using (var compressor = _compression.CreateCompressionStream(target, _compressionLevel))
            {
                compressor.Write(payload);
            }
            body = _compressedScratch.WrittenSpan;
            compressed = true;
        }
        var size = GrpcProtocolConstants.MessageHeaderSize + body.Length;
        var span = _destination.GetSpan(size);
        MessageFraming.WriteHeader(span, compressed, body.Length);
        body.CopyTo(span[GrpcProtocolConstants.MessageHeaderSize..]);
        _destination.Advance(size);
        WrittenLength = size;
        _state = State.Done;
        // Don't keep a large buffer alive for the rest of a long-lived call.
        if (_scratch?.Capacity > 1024 * 1024)
        {
            _scratch = null;
        }
        if (_compressedScratch?.Capacity > 1024 * 1024)
        {
            _compressedScratch = null;
        }
    }

    private void CheckSize(int payloadLength)
    {
        if (_maxMessageSize is { } max && payloadLength > max)
        {
            _state = State.Idle;
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Sending message of {payloadLength} bytes exceeds the maximum configured message size of {max} bytes."));
        }
    }
}
