using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Federation.Shared;

// Linked as source into the client library (which signs) and the node (which verifies), so both
// encode the statement with one piece of code.

/// <summary>
/// The caller's proof that they asked for a call (docs/security.md, "Callers proven end to end"):
/// an ECDSA signature, made with the key of the account's certificate, over a statement of the
/// method, the SHA-256 of the request message's bytes, the time and the entry node. The statement
/// itself is never sent: each node that checks the proof rebuilds it from what it is asked (its
/// method, the request it received, the entry node named in <c>federation-on-behalf-of</c>) and
/// the time carried in the header, so a signature made for another method, request, node or time
/// does not verify.
/// </summary>
internal static class CallerProof
{
    /// <summary><c>1.&lt;unix time in ms&gt;.&lt;base64 IEEE P1363 signature&gt;</c>.</summary>
    public const string Header = "federation-caller-proof";

    /// <summary>The signer's certificate, DER (a binary header: gRPC sends it base64).</summary>
    public const string CertificateHeader = "federation-caller-certificate-bin";

    private const string Version = "1";
    private static readonly byte[] Magic = "federation-caller-proof/1"u8.ToArray();

    /// <summary>The bytes signed: each field length-prefixed (4 bytes, big-endian), in a fixed order.</summary>
    public static byte[] Statement(string method, ReadOnlySpan<byte> requestSha256, long unixTimeMilliseconds, string entryNode)
    {
        var methodBytes = Encoding.UTF8.GetBytes(method);
        var entryBytes = Encoding.UTF8.GetBytes(entryNode);
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, unixTimeMilliseconds);
        var statement = new byte[5 * 4 + Magic.Length + methodBytes.Length + requestSha256.Length + time.Length + entryBytes.Length];
        var at = 0;
        foreach (var field in new[] { Magic, methodBytes, requestSha256.ToArray(), time.ToArray(), entryBytes })
        {
            BinaryPrimitives.WriteInt32BigEndian(statement.AsSpan(at), field.Length);
            field.CopyTo(statement, at + 4);
            at += 4 + field.Length;
        }
        return statement;
    }

    /// <summary>The header value: the time and the signature of <see cref="Statement"/> by <paramref name="key"/>.</summary>
    public static string Sign(ECDsa key, string method, ReadOnlySpan<byte> requestSha256, DateTimeOffset at, string entryNode)
    {
        var time = at.ToUnixTimeMilliseconds();
        var signature = key.SignData(Statement(method, requestSha256, time, entryNode), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return string.Create(CultureInfo.InvariantCulture, $"{Version}.{time}.{Convert.ToBase64String(signature)}");
    }

    /// <summary>Reads a header value; false with the reason when it is not of the form above.</summary>
    public static bool TryParse(string header, out DateTimeOffset at, out byte[] signature, out string? problem)
    {
        at = default;
        signature = [];
        var parts = header.Split('.');
        if (parts.Length != 3 || parts[0] != Version)
        {
            problem = $"{Header} must be {Version}.<unix time in ms>.<base64 signature>";
            return false;
        }
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            problem = $"{Header}'s time is not a unix time in milliseconds";
            return false;
        }
        var bytes = new byte[(parts[2].Length * 3 / 4) + 3];
        // P-256 signatures are 64 bytes, P-384 96, P-521 132; anything longer is not one.
        if (parts[2].Length > 200 || !Convert.TryFromBase64String(parts[2], bytes, out var length) || length == 0)
        {
            problem = $"{Header}'s signature is not base64";
            return false;
        }
        at = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        signature = bytes[..length];
        problem = null;
        return true;
    }

    /// <summary>Whether <paramref name="signature"/> by <paramref name="key"/> is over the statement rebuilt from these values.</summary>
    public static bool Verify(ECDsa key, byte[] signature, string method, ReadOnlySpan<byte> requestSha256, DateTimeOffset at, string entryNode) =>
        key.VerifyData(Statement(method, requestSha256, at.ToUnixTimeMilliseconds(), entryNode), signature, HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
