using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace Federation.Store;

public static class DigestAlgorithms
{
    /// <summary>The prefix of an SM3 digest.</summary>
    public const string Sm3Prefix = "sm3:";

    /// <summary>The algorithm <c>Security:Crypto</c> selects: SM3 with <c>national</c>.</summary>
    public static DigestAlgorithm ForCrypto(bool national) => national ? DigestAlgorithm.Sm3 : DigestAlgorithm.Sha256;

    /// <summary>The name recorded in a database's meta table and shown in messages.</summary>
    public static string Name(this DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sm3 ? "sm3" : "sha256";

    /// <summary>The name as officials read it: SHA-256 or SM3.</summary>
    public static string Title(this DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sm3 ? "SM3" : "SHA-256";

    /// <summary>Parses a name recorded by <see cref="Name"/>; null for anything else.</summary>
    public static DigestAlgorithm? Parse(string? name) => name switch
    {
        "sha256" => DigestAlgorithm.Sha256,
        "sm3" => DigestAlgorithm.Sm3,
        _ => null,
    };

    /// <summary>The algorithm a digest string was computed with, from its prefix.</summary>
    public static DigestAlgorithm Of(string digest) =>
        digest.StartsWith(Sm3Prefix, StringComparison.Ordinal) ? DigestAlgorithm.Sm3 : DigestAlgorithm.Sha256;

    /// <summary>The digest string of <paramref name="data"/>: lower-case hex, prefixed <c>sm3:</c> for SM3.</summary>
    public static string Digest(this DigestAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        if (algorithm == DigestAlgorithm.Sha256)
        {
            return Convert.ToHexStringLower(SHA256.HashData(data));
        }
        var sm3 = new SM3Digest();
        sm3.BlockUpdate(data);
        var hash = new byte[sm3.GetDigestSize()];
        sm3.DoFinal(hash, 0);
        return Sm3Prefix + Convert.ToHexStringLower(hash);
    }
}
