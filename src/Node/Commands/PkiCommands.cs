using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Node.Security;
using Federation.Shared;
using Federation.Standards;

namespace Federation.Node.Commands;

/// <summary>
/// <c>pki …</c>: the deployment's private CA — create it, issue node and account certificates,
/// revoke them (docs/security.md).
/// </summary>
internal static class PkiCommands
{
    private const string RevokedFile = "revoked.tsv";

    public static Command Create()
    {
        var dirOption = new Option<DirectoryInfo>("--dir") { Description = "The CA's directory (ca.pem, ca.key, crl.pem, revoked.tsv).", Required = true };
        var nameOption = new Option<string>("--name") { Description = "The CA's name.", DefaultValueFactory = _ => "Federation Deployment CA" };
        var yearsOption = new Option<int>("--years") { Description = "The CA's lifetime in years (default 10).", DefaultValueFactory = _ => 10 };
        var init = new Command("init", "Create the deployment's private CA and an empty revocation list.") { dirOption, nameOption, yearsOption };
        init.SetAction(parse => InitAuthority(parse.GetRequiredValue(dirOption).FullName, parse.GetRequiredValue(nameOption), parse.GetValue(yearsOption)));

        var idOption = new Option<string>("--id") { Description = "The node id (Node:Id) or account id the certificate names.", Required = true };
        var divisionOption = new Option<string>("--division") { Description = "The node's GB/T 2260 division code (Node:DivisionCode).", Required = true };
        var hostOption = new Option<string[]>("--host") { Description = "A DNS name or IP address the node serves on (repeat; default localhost and 127.0.0.1).", AllowMultipleArgumentsPerToken = false };
        var daysOption = new Option<int>("--days") { Description = "Validity in days (default 825 for nodes, 365 for accounts).", DefaultValueFactory = _ => 0 };
        var outOption = new Option<string?>("--out") { Description = "Write <out>.pem and <out>.key (default: <dir>/<id>)." };
        var cryptoOption = new Option<string>("--crypto") { Description = "standard (default), or national: also an SM2 signing certificate <out>.sm2.pem/.sm2.key for Security:Crypto national.", DefaultValueFactory = _ => "standard" };
        cryptoOption.AcceptOnlyFromAmong("standard", "national");
        var node = new Command("node", "Issue a node's certificate (server and client authentication; names the node and its division).")
        {
            dirOption, idOption, divisionOption, hostOption, daysOption, outOption, cryptoOption,
        };
        node.SetAction(parse => IssueNode(parse.GetRequiredValue(dirOption).FullName, parse.GetRequiredValue(idOption), parse.GetRequiredValue(divisionOption),
            parse.GetValue(hostOption) ?? [], parse.GetValue(daysOption) is > 0 and var d ? d : 825, parse.GetValue(outOption), parse.GetValue(cryptoOption) == "national"));
        var account = new Command("account", "Issue a personal account's client certificate (bind it with fedctl accounts create --certificate).")
        {
            dirOption, idOption, daysOption, outOption,
        };
        account.SetAction(parse => IssueAccount(parse.GetRequiredValue(dirOption).FullName, parse.GetRequiredValue(idOption),
            parse.GetValue(daysOption) is > 0 and var d ? d : 365, parse.GetValue(outOption)));
        var certificateArgument = new Argument<FileInfo>("certificate") { Description = "The PEM certificate to revoke." };
        var revoke = new Command("revoke", "Revoke a certificate: add it to the CA's revocation list (crl.pem), which nodes re-read without restart.")
        {
            dirOption, certificateArgument,
        };
        revoke.SetAction(parse => Revoke(parse.GetRequiredValue(dirOption).FullName, parse.GetRequiredValue(certificateArgument).FullName));
        return new Command("pki", "The deployment's private CA: create it, issue node and account certificates, revoke them (docs/security.md).")
        {
            init, node, account, revoke,
        };
    }

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
