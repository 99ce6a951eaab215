using System.Security.Cryptography;
using Federation.Shared;
using Xunit;

namespace Federation.Node.Tests.Security;

/// <summary>
/// The statement a caller signs (docs/security.md, "Callers proven end to end"): its exact bytes,
/// no two field values that encode alike, and a signature that verifies only for the very method,
/// request, time and entry node it was made for.
/// </summary>
public sealed class CallerProofTests : IDisposable
{
    private const string Method = "/federation.v1.Verification/VerifyCertificate";
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] _digest = SHA256.HashData("request"u8);

    [Fact]
    public void Statement_FixedInput_IsLengthPrefixedFieldsInOrder()
    {
        // Arrange
        byte[] digest = [0xAA, 0xBB];

        // Act
        var statement = CallerProof.Statement("/a/B", digest, 1, "n");

        // Assert: magic, method, digest, time (8 bytes big-endian), entry node — each after a 4-byte big-endian length.
        Assert.Equal(
            "00000019" + Convert.ToHexString("federation-caller-proof/1"u8) + "00000004" + Convert.ToHexString("/a/B"u8)
            + "00000002AABB" + "00000008" + "0000000000000001" + "00000001" + Convert.ToHexString("n"u8),
            Convert.ToHexString(statement));
    }

    [Fact]
    public void Statement_ABoundaryMovedBetweenFields_EncodesDifferently()
    {
        Assert.NotEqual(CallerProof.Statement("/a/bx", _digest, 1, "y"), CallerProof.Statement("/a/b", _digest, 1, "xy"));
    }

    [Fact]
    public void Sign_ThenVerifyWithTheSameValues_Verifies()
    {
        // Act
        Assert.True(CallerProof.TryParse(CallerProof.Sign(_key, Method, _digest, At, "ministry"), out var at, out var signature, out var problem), problem);

        // Assert
        Assert.Equal(At, at);
        Assert.Equal(64, signature.Length);
        Assert.True(CallerProof.Verify(_key, signature, Method, _digest, at, "ministry"));
    }

    [Theory]
    [InlineData("method")]
    [InlineData("request")]
    [InlineData("time")]
    [InlineData("entry")]
    [InlineData("signature")]
    [InlineData("key")]
    public void Verify_AnythingOtherThanSigned_DoesNotVerify(string changed)
    {
        // Arrange
        Assert.True(CallerProof.TryParse(CallerProof.Sign(_key, Method, _digest, At, "ministry"), out var at, out var signature, out _));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (changed == "signature")
        {
            signature[0] ^= 0x80;
        }

        // Act
        var verified = CallerProof.Verify(changed == "key" ? other : _key, signature,
            changed == "method" ? "/federation.v1.Verification/VerifyPerson" : Method,
            changed == "request" ? SHA256.HashData("another request"u8) : _digest,
            changed == "time" ? at.AddMilliseconds(1) : at,
            changed == "entry" ? "province-440000" : "ministry");

        // Assert
        Assert.False(verified);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.123")]
    [InlineData("2.123.AAAA")]
    [InlineData("1.-5.AAAA")]
    [InlineData("1.12x.AAAA")]
    [InlineData("1.123.not base64!")]
    [InlineData("1.123.AAAA.AAAA")]
    [InlineData("1.99999999999999999999.AAAA")]
    public void TryParse_Malformed_RefusedWithTheReason(string header)
    {
        Assert.False(CallerProof.TryParse(header, out _, out _, out var problem));
        Assert.StartsWith(CallerProof.Header, problem, StringComparison.Ordinal);
    }

    public void Dispose() => _key.Dispose();
}
