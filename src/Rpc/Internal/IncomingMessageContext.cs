using System.Buffers;
using Grpc.Net.Compression;

namespace Grpc.Core.Internal;

/// <summary>
/// The <see cref="DeserializationContext"/> for one received message. Uncompressed payloads are
/// handed to the deserializer without a copy. Compressed payloads are inflated into a pooled
/// buffer whose size is bounded by the receive limit — the limit applies to the decompressed
/// size too, so a small "zip bomb" cannot make us allocate without bound.
/// </summary>
internal sealed class IncomingMessageContext : DeserializationContext
{
    private ReadOnlySequence<byte> _payload;

    public override int PayloadLength => (int)_payload.Length;

    public override byte[] PayloadAsNewBuffer() => _payload.ToArray();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => _payload;

    /// <summary>Deserializes one message. <paramref name="what"/> names it in errors ("request", "response").</summary>
    public T Deserialize<T>(ReadOnlySequence<byte> payload, bool compressed, ICompressionProvider? decompressor, int? maxMessageSize,
        Func<DeserializationContext, T> deserializer, string what)
    {
        byte[]? rented = null;
        try
        {
            if (compressed)
            {
                if (decompressor is null)
                {
                    // Callers check grpc-encoding before; this is a defensive guard.
                    throw new RpcException(new Status(StatusCode.Internal, $"The {what} message is compressed but no grpc-encoding was given."));
                }
                var length = Decompress(payload, decompressor, maxMessageSize, what, out rented);
                _payload = new ReadOnlySequence<byte>(rented, 0, length);
            }
            else
            {
                _payload = payload;
            }
            return deserializer(this);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Failed to deserialize the {what} message: {ex.Message}", ex));
        }
        finally
        {
            _payload = default;
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Decompress(ReadOnlySequence<byte> payload, ICompressionProvider provider, int? maxMessageSize, string what, out byte[] buffer)
    {
        var limit = maxMessageSize ?? int.MaxValue;
        buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(payload.Length * 4, 256, 64 * 1024));
        var total = 0;
        try
        {
            using var input = new ReadOnlySequenceStream(payload);
            using var inflater = provider.CreateDecompressionStream(input);
            while (true)
            {
                var room = Math.Min(buffer.Length, limit) - total;
                if (room == 0)
                {
                    if (total >= limit)
                    {
                        // The buffer holds exactly the limit: the message fits only if nothing is left.
                        if (inflater.ReadByte() < 0)
                        {
                            break;
                        }
                        throw new RpcException(new Status(StatusCode.ResourceExhausted,
                            $"Decompressed {what} message exceeds the maximum configured message size of {limit} bytes."));
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                    continue;
                }
                var read = inflater.Read(buffer, total, room);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            return total;
        }
        catch (InvalidDataException ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null!;
            throw new RpcException(new Status(StatusCode.Internal, $"Could not decompress the {what} message with '{provider.EncodingName}': {ex.Message}", ex));
        }
        catch
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null!;
            }
            throw;
        }
    }
}
