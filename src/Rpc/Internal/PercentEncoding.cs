using System.Buffers;
using System.Text;

namespace Grpc.Core.Internal;

/// <summary>
/// The percent-encoding of <c>grpc-message</c> (PROTOCOL-HTTP2.md "Responses"): UTF-8 bytes
/// 0x20–0x7E except '%' pass through; every other byte becomes %XX with upper-case hex.
/// </summary>
internal static class PercentEncoding
{
    public static string Encode(string value)
    {
        var needsEncoding = false;
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needsEncoding = true;
                break;
            }
        }
        if (!needsEncoding)
        {
            return value;
        }

        // Lone surrogates cannot be UTF-8 encoded; the encoder replaces them with U+FFFD.
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var count = Encoding.UTF8.GetBytes(value, rented);
            var builder = new StringBuilder(count * 3);
            for (var i = 0; i < count; i++)
            {
                var b = rented[i];
                if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
                {
                    builder.Append((char)b);
                }
                else
                {
                    builder.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
                }
            }
            return builder.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Decodes leniently: "When decoding invalid values, implementations MUST NOT error or throw
    /// away the message" — a '%' not followed by two hex digits is kept as it is, and invalid
    /// UTF-8 becomes U+FFFD.
    /// </summary>
    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }
        var bytes = new byte[value.Length];
        var count = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length &&
                TryHex(value[i + 1], out var hi) && TryHex(value[i + 2], out var lo))
            {
                bytes[count++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else if (c <= 0x7F)
            {
                bytes[count++] = (byte)c;
            }
            else
            {
                // Not valid on the wire (header values are ASCII) but never throw it away.
                var encoded = Encoding.UTF8.GetBytes(c.ToString());
                if (count + encoded.Length > bytes.Length)
                {
                    Array.Resize(ref bytes, bytes.Length + encoded.Length + 16);
                }
                encoded.CopyTo(bytes, count);
                count += encoded.Length;
            }
        }
        return Encoding.UTF8.GetString(bytes, 0, count);
    }

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'A' and <= 'F' => c - 'A' + 10,
            >= 'a' and <= 'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }

    private const string HexUpper = "0123456789ABCDEF";
}
