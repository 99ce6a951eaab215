using System.Security.Cryptography;
using Federation.Node.Security;
using Federation.Shared;
using Federation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Federation.Node.Tests.Security;

/// <summary>The CRL a node re-reads: a new list takes effect, a half-written file is tried again, an older list cannot undo a revocation.</summary>
public sealed class RevocationListTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly SteppedClock _clock = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _authority =
        Pki.CreateAuthority("Test CA", DateTimeOffset.UtcNow.AddDays(-1), TimeSpan.FromDays(30));
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _clerk;
    private readonly RevocationList _list;
    private readonly string _path;

    public RevocationListTests()
    {
        _clerk = Pki.IssueAccount(_authority, "clerk", DateTimeOffset.UtcNow.AddDays(-1), TimeSpan.FromDays(10));
        _path = _directory.File("crl.pem");
        WriteCrl(1);
        _list = new RevocationList(new SecurityPaths(null, _path, _directory.File("audit.key"), _directory.File("x.db")), _authority, _clock,
            NullLogger<RevocationList>.Instance);
    }

    public void Dispose()
    {
        _clerk.Dispose();
        _authority.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void ANewList_TakesEffect_AnOlderOneCannotUndoIt_AHalfWrittenOneIsTriedAgain()
    {
        Assert.False(_list.IsRevoked(_clerk));

        WriteCrl(2, _clerk);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_list.IsRevoked(_clerk));

        // Putting back the older list (number 1, properly signed) does not un-revoke.
        WriteCrl(1);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_list.IsRevoked(_clerk));

        // A file caught half copied is not taken, and is read again a second later.
        File.WriteAllText(_path, "-----BEGIN X509 CRL-----\nMIIB");
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_list.IsRevoked(_clerk));
        WriteCrl(3);
        File.SetLastWriteTimeUtc(_path, File.GetLastWriteTimeUtc(_path)); // same second as the broken one is possible
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_list.IsRevoked(_clerk));
    }

    [Fact]
    public void SerialNumbersOfEveryLength_RoundTripThroughTheCrl()
    {
        // Serial numbers are random: about one in eight starts with a zero nibble, which the hex
        // form drops (an odd number of digits). A hundred of them meet that case but for a chance of 1 in 600,000.
        var certificates = Enumerable.Range(0, 100).Select(i => Pki.IssueAccount(_authority, $"a{i}", DateTimeOffset.UtcNow.AddDays(-1), TimeSpan.FromDays(10))).ToList();
        try
        {
            Assert.Contains(certificates, c => Pki.SerialHex(c).Length % 2 == 1);
            var crl = Pki.CreateRevocationList(_authority, certificates.Select(c => (Pki.SerialHex(c), DateTimeOffset.UtcNow)), 5, DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
            var listed = Pki.ReadRevocationList(_authority, crl, out var number);
            Assert.Equal(5, (int)number);
            Assert.All(certificates, c => Assert.Contains(Pki.SerialHex(c), listed));
        }
        finally
        {
            certificates.ForEach(c => c.Dispose());
        }
    }

    private void WriteCrl(int number, params System.Security.Cryptography.X509Certificates.X509Certificate2[] revoked)
    {
        var crl = Pki.CreateRevocationList(_authority, revoked.Select(c => (Pki.SerialHex(c), DateTimeOffset.UtcNow)), number, DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromDays(1));
        File.WriteAllText(_path, PemEncoding.WriteString("X509 CRL", crl));
    }

}
