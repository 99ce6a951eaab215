using System.Security.Cryptography;
using System.Text;

namespace Federation.Store.Security;

/// <summary>
/// The project's keyed hash of a personal identifier (a citizen ID, a certificate number):
/// HMAC-SHA-256 under a random 32-byte key, of the identifier upper-cased (an ID's check character
/// X either way). The audit log files its subjects under it, and the registration index keys its
/// people with it (docs/registration.md): one piece of code, so the two never hash differently.
/// </summary>
public static class KeyedHash
{
    /// <summary>The length of a key and of a hash, in bytes.</summary>
    public const int Bytes = 32;

    /// <summary>A new random key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(Bytes);

    /// <summary>The keyed hash of <paramref name="subject"/>.</summary>
    public static byte[] Of(ReadOnlySpan<byte> key, string subject) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(subject.ToUpperInvariant()));
}
