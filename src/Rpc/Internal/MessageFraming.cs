using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Grpc.Core.Internal;

/// <summary>
/// Length-Prefixed-Message framing: 1 byte Compressed-Flag, 4 bytes big-endian length, the
/// message (PROTOCOL-HTTP2.md). DATA frame boundaries have no relation to message boundaries,
/// so everything here works on a <see cref="ReadOnlySequence{T}"/> that may hold part of a
/// message, or several.
/// </summary>
internal static class MessageFraming
{
    private const int HeaderSize = GrpcProtocolConstants.MessageHeaderSize;

    /// <summary>
    /// Slices one complete message off the front of <paramref name="buffer"/>. Returns
    /// <c>false</c> (buffer untouched) when it does not hold a whole message yet. The size limit
    /// is checked from the header alone, before the payload is buffered.
    /// </summary>
    public static bool TryReadMessage(ref ReadOnlySequence<byte> buffer, int? maxMessageSize, out bool compressed, out ReadOnlySequence<byte> message)
    {
        if (buffer.Length < HeaderSize)
        {
            compressed = false;
            message = default;
            return false;
        }

        Span<byte> scratch = stackalloc byte[HeaderSize];
        scoped ReadOnlySpan<byte> header;
        if (buffer.FirstSpan.Length >= HeaderSize)
        {
            header = buffer.FirstSpan[..HeaderSize];          // fast path: header in one segment
        }
        else
        {
            buffer.Slice(0, HeaderSize).CopyTo(scratch);      // header split across segments
            header = scratch;
        }

        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => ThrowBadFlag(header[0]),
        };
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > int.MaxValue)
        {
            ThrowTooLarge(length, maxMessageSize);
        }
        if (maxMessageSize is { } max && length > max)
        {
            ThrowTooLarge(length, max);
        }
        if (buffer.Length < HeaderSize + length)
        {
            message = default;
            return false;
        }
        message = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(message.End);
        return true;
    }

    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ThrowBadFlag(byte flag) =>
        throw new RpcException(new Status(StatusCode.Internal, $"Unexpected compressed-flag value {flag} in message header; only 0 and 1 are allowed."));

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooLarge(long length, int? max) =>
        throw new RpcException(new Status(StatusCode.ResourceExhausted,
            $"Received message of {length} bytes exceeds the maximum configured message size of {max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "int.MaxValue"} bytes."));
}
