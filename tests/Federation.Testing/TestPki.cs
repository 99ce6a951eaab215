using System.Security.Cryptography.X509Certificates;
using Federation.Shared;
using Federation.Store.Security;

namespace Federation.Testing;

/// <summary>
/// The private CA of one test's deployment, in <c>&lt;directory&gt;/pki</c>, made with the same
/// code as <c>Federation.Node pki</c>: node certificates (named by node id and division) and
/// account certificates, written as PEM files, and its revocation list. Every node a test starts
/// in that directory trusts this CA; the account <see cref="Tester"/> holds every role nationally,
/// so tests that are not about authorisation can call anything.
/// </summary>
public sealed class TestPki
{
    /// <summary>The account the test harness calls as by default.</summary>
    public const string Tester = "tester";

    private static readonly Lock Gate = new();
    private readonly X509Certificate2 _authority;

    private TestPki(string directory, X509Certificate2 authority)
    {
        Directory = directory;
        _authority = authority;
    }

    /// <summary>The directory holding ca.pem, crl.pem and the issued certificates.</summary>
    public string Directory { get; }

    public string CaPath => Path.Combine(Directory, "ca.pem");

    public string CrlPath => Path.Combine(Directory, "crl.pem");

    public X509Certificate2 Authority => _authority;

    /// <summary>The CA of <paramref name="testDirectory"/>, created on first use.</summary>
    public static TestPki For(string testDirectory)
    {
        var directory = Path.Combine(testDirectory, "pki");
        lock (Gate)
        {
            var ca = Path.Combine(directory, "ca.pem");
            if (File.Exists(ca))
            {
                return new TestPki(directory, CertificateAuthority.LoadPemWithKey(ca, Path.Combine(directory, "ca.key")));
            }
            System.IO.Directory.CreateDirectory(directory);
            // Valid from three years back, so tests can issue certificates that have already expired.
            var authority = Pki.CreateAuthority("Federation Test CA", DateTimeOffset.UtcNow.AddYears(-3), TimeSpan.FromDays(5 * 365));
            Pki.WritePem(Path.Combine(directory, "ca"), authority);
            var pki = new TestPki(directory, authority);
            pki.Revoke();
            return pki;
        }
    }

    /// <summary>Issues (once) the certificate of node <paramref name="id"/>; returns the .pem path (the key is beside it, .key).</summary>
    public string Node(string id, string divisionCode)
    {
        var path = Path.Combine(Directory, id);
        if (!File.Exists(path + ".pem"))
        {
            using var certificate = Pki.IssueNode(_authority, id, divisionCode, ["localhost", "127.0.0.1"], DateTimeOffset.UtcNow.AddDays(-1), TimeSpan.FromDays(365));
            Pki.WritePem(path, certificate);
        }
        return path + ".pem";
    }

    /// <summary>Issues (once) the certificate of account <paramref name="id"/>; returns the .pem path.</summary>
    public string Account(string id, DateTimeOffset? notBefore = null, TimeSpan? lifetime = null)
    {
        var path = Path.Combine(Directory, id);
        if (!File.Exists(path + ".pem"))
        {
            using var certificate = Pki.IssueAccount(_authority, id, notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), lifetime ?? TimeSpan.FromDays(365));
            Pki.WritePem(path, certificate);
        }
        return path + ".pem";
    }

    /// <summary>The certificate of an issued account or node, with its key (for a TLS client).</summary>
    public X509Certificate2 Load(string id) =>
        CertificateAuthority.LoadPemWithKey(Path.Combine(Directory, id + ".pem"), Path.Combine(Directory, id + ".key"));

    /// <summary>Rewrites the CRL so that it lists the given certificates (none: an empty list).</summary>
    public void Revoke(params string[] ids)
    {
        var revoked = ids.Select(id =>
        {
            using var certificate = CertificateAuthority.LoadPem(Path.Combine(Directory, id + ".pem"));
            return (Pki.SerialHex(certificate), DateTimeOffset.UtcNow.AddMinutes(-1));
        }).ToList();
        var crl = Pki.CreateRevocationList(_authority, revoked, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromDays(30));
        var temp = CrlPath + ".tmp";
        File.WriteAllText(temp, System.Security.Cryptography.PemEncoding.WriteString("X509 CRL", crl));
        File.Move(temp, CrlPath, overwrite: true);
    }

    /// <summary>
    /// Creates an account directly in a node's security database (as <c>Federation.Node accounts
    /// add</c> does), bound to its certificate from this CA.
    /// </summary>
    public void AddAccount(string storePath, string id, IEnumerable<(string Role, string Scope)> grants, DateTimeOffset? lastUsed = null)
    {
        var pem = Account(id);
        using var certificate = CertificateAuthority.LoadPem(pem);
        var thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.RawData));
        using var accounts = AccountStore.Open(SecurityDatabase.PathFor(storePath));
        if (accounts.Find(id) is null)
        {
            accounts.Create(id, "Test " + id, "test post", thumbprint, grants, "test", lastUsed ?? DateTimeOffset.UtcNow);
        }
    }
}
