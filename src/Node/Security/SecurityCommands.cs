using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Node.Hosting;
using Federation.Shared;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Security;

namespace Federation.Node.Security;

/// <summary>
/// The node's local security commands: the deployment's private CA (<c>pki …</c>), bootstrap
/// accounts on the node's own machine (<c>accounts …</c>: the first administrator, or recovery),
/// and checking the audit chain (<c>audit verify</c>). Everything else about accounts goes through
/// the node (<c>fedctl accounts</c>), authorised and audited.
/// </summary>
internal static class SecurityCommands
{
    private const string RevokedFile = "revoked.tsv";

    /// <summary>Creates the CA in <paramref name="directory"/>: ca.pem, ca.key (owner-only) and an empty crl.pem.</summary>
    public static int InitAuthority(string directory, string name, int years)
    {
        Directory.CreateDirectory(directory);
        var caPath = Path.Combine(directory, "ca.pem");
        if (File.Exists(caPath))
        {
            Console.Error.WriteLine($"{caPath} exists; a deployment has one CA. Remove the directory's CA files first if you really mean to start over.");
            return 1;
        }
        using var authority = Pki.CreateAuthority(name, DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromDays(365.25 * years));
        Pki.WritePem(Path.Combine(directory, "ca"), authority);
        Pki.WriteOwnerOnly(Path.Combine(directory, RevokedFile), "# serial\trevoked_at\n");
        WriteCrl(directory, authority, []);
        Console.WriteLine($"CA '{name}' created in {directory}: ca.pem (give it to every node and client), ca.key (keep it offline), crl.pem (revocations).");
        return 0;
    }

    public static int IssueNode(string directory, string id, string division, IReadOnlyList<string> hosts, int days, string? output, bool national = false)
    {
        if (DivisionTable.Default.Find(division) is null && division != Jurisdiction.NationalCode)
        {
            Console.Error.WriteLine($"--division {division} is not a GB/T 2260 code (000000 for the ministry).");
            return 2;
        }
        var path = output ?? Path.Combine(directory, id);
        var issued = Issue(directory, path, authority =>
            Pki.IssueNode(authority, id, division, hosts.Count > 0 ? hosts : ["localhost", "127.0.0.1"], DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromDays(days)),
            $"node {id} ({division})");
        if (issued != 0 || !national)
        {
            return issued;
        }
        // Security:Crypto national: the SM2 key that signs the node's periods, certified by the same
        // CA with the same names; TLS keeps the ECDSA certificate (docs/security.md).
        using var authority = LoadAuthority(directory);
        var (certificate, key) = NationalCrypto.IssueSm2Node(authority, id, division, DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromDays(days));
        using (certificate)
        {
            Pki.WriteOwnerOnly(path + ".sm2.pem", certificate.ExportCertificatePem());
            Pki.WriteOwnerOnly(path + ".sm2.key", key);
            Console.WriteLine($"Issued the SM2 signing certificate of node {id}: {path}.sm2.pem, {path}.sm2.key (serial {Pki.SerialHex(certificate)}).");
        }
        return 0;
    }

    public static int IssueAccount(string directory, string id, int days, string? output) =>
        Issue(directory, output ?? Path.Combine(directory, id), authority =>
            Pki.IssueAccount(authority, AccountsService.CheckIdOrThrow(id), DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromDays(days)), $"account {id}");

    /// <summary>Adds a certificate's serial number to the revocation list and re-signs crl.pem.</summary>
    public static int Revoke(string directory, string certificatePath)
    {
        using var authority = LoadAuthority(directory);
        using var certificate = CertificateAuthority.LoadPem(certificatePath);
        if (!CertificateAuthority.Issued(authority, certificate))
        {
            Console.Error.WriteLine($"{certificatePath} was not issued by the CA in {directory}.");
            return 1;
        }
        var revoked = ReadRevoked(directory);
        var serial = Pki.SerialHex(certificate);
        if (revoked.Any(r => r.SerialHex == serial))
        {
            Console.WriteLine($"{certificate.Subject} (serial {serial}) is already revoked.");
            return 0;
        }
        var now = DateTimeOffset.UtcNow;
        File.AppendAllText(Path.Combine(directory, RevokedFile), $"{serial}\t{now:O}\n");
        revoked.Add((serial, now));
        var path = WriteCrl(directory, authority, revoked);
        Console.WriteLine($"Revoked {certificate.Subject} (serial {serial}); {path} now lists {revoked.Count}. Copy it to every node's Security:CrlPath: nodes re-read it within a second, no restart.");
        return 0;
    }

    /// <summary>
    /// Creates an account directly in the node's security database (the first administrator, or
    /// recovery; <c>Federation.Node accounts add</c>). The demo makes its <c>demo-operator</c> here too,
    /// with <paramref name="output"/> <see cref="TextWriter.Null"/> (problems still go to standard error).
    /// </summary>
    public static int AddAccount(NodeConfiguration config, string id, string name, string post, string? certificatePath, IReadOnlyList<string> roles, bool issueToken,
        TextWriter? output = null)
    {
        output ??= Console.Out;
        string? thumbprint = null;
        if (certificatePath is not null)
        {
            using var certificate = CertificateAuthority.LoadPem(certificatePath);
            if (CertificateIdentity.Read(certificate, out var problem) is not { Kind: IdentityKind.Account } identity || identity.Id != id)
            {
                Console.Error.WriteLine($"{certificatePath} does not name account {id}{(problem is null ? "" : ": " + problem)}.");
                return 1;
            }
            using var authority = config.SecurityPaths.CaPath is { } ca ? CertificateAuthority.LoadPem(ca) : null;
            var revocations = new RevocationList(config.SecurityPaths, authority, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RevocationList>.Instance);
            if (AccountsService.UnusableProblem(certificate, DateTimeOffset.UtcNow, revocations) is { } unusable)
            {
                Console.Error.WriteLine($"{certificatePath}: {unusable}.");
                return 1;
            }
            thumbprint = CallerAuthenticator.Thumbprint(certificate);
        }
        var grants = new List<(string Role, string Scope)>();
        foreach (var text in roles)
        {
            var parts = text.Split(':', 2);
            var scope = parts.Length == 2 ? parts[1] : config.Node.DivisionCode;
            if (!Roles.All.Contains(parts[0]) || (scope != Jurisdiction.NationalCode && DivisionTable.Default.Find(scope) is null))
            {
                Console.Error.WriteLine($"--role {text}: give role[:scope], role one of {string.Join(", ", Roles.All)}, scope a GB/T 2260 code (default: the node's {config.Node.DivisionCode}).");
                return 2;
            }
            grants.Add((parts[0], scope));
        }
        using var accounts = AccountStore.Open(config.SecurityPaths.DatabasePath);
        try
        {
            var account = accounts.Create(AccountsService.CheckIdOrThrow(id), name, post, thumbprint, grants, "local:" + Environment.UserName, DateTimeOffset.UtcNow);
            output.WriteLine($"Account {account.Id} created at {config.Node.Id}: {string.Join(", ", account.Grants.Select(g => $"{g.Role} over {g.Scope}"))}" +
                              (thumbprint is null && !issueToken ? "; bind a certificate (fedctl accounts bind) or issue a token (fedctl accounts token) before it can sign in." : "."));
            if (issueToken)
            {
                // Shown once: only its digest is kept.
                output.WriteLine($"API token (shown once; give it as fedctl --token or FEDCTL_TOKEN): {accounts.IssueToken(account.Id)}");
            }
            return 0;
        }
        catch (StoreException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    /// <summary>Walks the audit chain; exit 0 when whole, 1 with every break listed.</summary>
    public static int VerifyAudit(NodeConfiguration config)
    {
        using var log = AuditLog.Open(config.SecurityPaths.DatabasePath);
        var problems = log.Verify();
        var head = log.Head();
        if (problems.Count == 0)
        {
            Console.WriteLine($"Audit log of {config.Node.Id} intact: {head.Seq} entries, head {head.Hash}.");
            return 0;
        }
        Console.Error.WriteLine($"Audit log of {config.Node.Id} is NOT intact ({head.Seq} entries):");
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"  entry {problem.Seq}: {problem.Kind} — {problem.Detail}");
        }
        return 1;
    }

    private static int Issue(string directory, string output, Func<X509Certificate2, X509Certificate2> issue, string what)
    {
        using var authority = LoadAuthority(directory);
        using var certificate = issue(authority);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        Pki.WritePem(output, certificate);
        Console.WriteLine($"Issued {what}: {output}.pem, {output}.key (serial {Pki.SerialHex(certificate)}, valid until {certificate.NotAfter:yyyy-MM-dd}).");
        return 0;
    }

    private static X509Certificate2 LoadAuthority(string directory)
    {
        var certificate = Path.Combine(directory, "ca.pem");
        var key = Path.Combine(directory, "ca.key");
        if (!File.Exists(certificate) || !File.Exists(key))
        {
            throw new FileNotFoundException($"no CA in {directory} (ca.pem and ca.key); create one with: Federation.Node pki init --dir {directory}");
        }
        return CertificateAuthority.LoadPemWithKey(certificate, key);
    }

    private static List<(string SerialHex, DateTimeOffset RevokedAt)> ReadRevoked(string directory)
    {
        var path = Path.Combine(directory, RevokedFile);
        return !File.Exists(path) ? [] :
            [.. File.ReadAllLines(path).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t'))
                .Select(p => (p[0], DateTimeOffset.Parse(p[1], CultureInfo.InvariantCulture)))];
    }

    private static string WriteCrl(string directory, X509Certificate2 authority, IReadOnlyList<(string SerialHex, DateTimeOffset RevokedAt)> revoked)
    {
        var path = Path.Combine(directory, "crl.pem");
        var number = BigInteger.One;
        if (File.Exists(path))
        {
            Pki.ReadRevocationList(authority, Pki.ReadCrlFile(path), out number);
            number += 1;
        }
        var crl = Pki.CreateRevocationList(authority, revoked, number, DateTimeOffset.UtcNow, TimeSpan.FromDays(3650));
        var temp = path + ".tmp";
        File.WriteAllText(temp, PemEncoding.WriteString("X509 CRL", crl));
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
