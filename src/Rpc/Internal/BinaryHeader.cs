namespace Grpc.Core.Internal;

/// <summary>
/// Values of <c>-bin</c> metadata: base64 (RFC 4648 §4). "Implementations MUST accept padded
/// and un-padded values and should emit un-padded values"; a header repeated by a proxy may
/// arrive joined with ',' and must be split before decoding (PROTOCOL-HTTP2.md).
/// </summary>
internal static class BinaryHeader
{
    public static string Encode(byte[] value) => Convert.ToBase64String(value).TrimEnd('=');

    /// <summary>Decodes one header value into one or more binary values.</summary>
    public static IEnumerable<byte[]> Decode(string value)
    {
        if (!value.Contains(',', StringComparison.Ordinal))
        {
            yield return DecodeOne(value);
            yield break;
        }
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            yield return DecodeOne(part);
        }
    }

    private static byte[] DecodeOne(string value)
    {
        var trimmed = value.Trim();
        var padding = (4 - (trimmed.Length % 4)) % 4;
        if (padding == 3)
        {
            throw new FormatException($"'{trimmed}' is not valid base64: its length leaves one stray character.");
        }
        return Convert.FromBase64String(padding == 0 ? trimmed : trimmed + new string('=', padding));
    }
}
