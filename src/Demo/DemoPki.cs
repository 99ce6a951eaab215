using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Node.Configuration;
using Federation.Shared;
using Grpc.Net.Client;

namespace Federation.Demo;

/// <summary>
/// The demo's deployment PKI, made fresh on every run: a CA where the demo configs'
/// <c>Server:Tls:ClientCaPath</c> says, each node's certificate where its
/// <c>Server:Tls:CertificatePath</c> says, an empty revocation list, and a personal account
/// <c>demo-operator</c> (every role over each node's own jurisdiction) that the demo — and the
/// person trying it — signs in with. The same code as <c>Federation.Node pki</c>.
/// </summary>
internal sealed class DemoPki
{
    public const string Operator = "demo-operator";

    public const string OperatorName = "Demo Operator";

    public const string OperatorPost = "demo (every role, this node's jurisdiction)";

    private static readonly string[] AllRoles = [.. Federation.Node.Security.Roles.All];

    private readonly X509Certificate2 _authority;
    private readonly X509Certificate2 _operator;

    private DemoPki(string caPath, X509Certificate2 authority, X509Certificate2 operatorCertificate)
    {
        CaPath = caPath;
        _authority = authority;
        _operator = operatorCertificate;
    }

    public string CaPath { get; }

    public string OperatorCertificate => Path.Combine(Path.GetDirectoryName(CaPath)!, Operator + ".pem");

    public string OperatorKey => Path.Combine(Path.GetDirectoryName(CaPath)!, Operator + ".key");

    /// <summary>Issues everything the configs in <paramref name="treeDirectory"/> name (read before they are validated, since validation wants the files).</summary>
    public static DemoPki Issue(string treeDirectory)
    {
        var nodes = Directory.GetFiles(treeDirectory, "*.json").Order(StringComparer.Ordinal).Select(file =>
        {
            var json = JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
            string Resolve(string key) => Path.GetFullPath(Path.Combine(treeDirectory, json["Server"]?["Tls"]?[key]?.GetValue<string>()
                ?? throw new DemoException($"{file} has no Server:Tls:{key}; the demo runs with mutual TLS.")));
            return (Id: json["Node"]!["Id"]!.GetValue<string>(), Division: json["Node"]!["DivisionCode"]!.GetValue<string>(),
                Certificate: Resolve("CertificatePath"), Ca: Resolve("ClientCaPath"));
        }).ToList();
        var caPath = nodes.Select(n => n.Ca).Distinct().Single();
        var directory = Path.GetDirectoryName(caPath)!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        var authority = Pki.CreateAuthority("Federation Demo CA", now, TimeSpan.FromDays(30));
        Pki.WritePem(Path.ChangeExtension(caPath, null), authority);
        File.WriteAllText(Path.Combine(directory, "crl.pem"),
            PemEncoding.WriteString("X509 CRL", Pki.CreateRevocationList(authority, [], 1, now, TimeSpan.FromDays(30))));
        foreach (var node in nodes)
        {
            using var certificate = Pki.IssueNode(authority, node.Id, node.Division, ["localhost", "127.0.0.1"], now, TimeSpan.FromDays(30));
            Pki.WritePem(Path.ChangeExtension(node.Certificate, null), certificate);
        }
        var operatorCertificate = Pki.IssueAccount(authority, Operator, now, TimeSpan.FromDays(30));
        Pki.WritePem(Path.Combine(directory, Operator), operatorCertificate);
        Console.WriteLine($"Demo PKI (fresh): CA, {nodes.Count} node certificates and the account {Operator} in {Path.GetRelativePath(Directory.GetCurrentDirectory(), directory)}");
        return new DemoPki(caPath, authority, operatorCertificate);
    }

    /// <summary>
    /// Creates the demo operator's account in a node's (fresh) security database: every role over the
    /// node's own jurisdiction, bound to its certificate — by the node's own <c>accounts add</c>, as
    /// <c>Federation.Node accounts add --id demo-operator --certificate demo-operator.pem --role …</c>
    /// makes it (tests/Federation.Tests/Web/WebDemoAccountTests signs in to the pages with an account made so).
    /// </summary>
    public void AddOperator(NodeConfiguration config)
    {
        if (Federation.Node.Commands.AccountsCommands.AddAccount(config, Operator, OperatorName, OperatorPost, OperatorCertificate, AllRoles, issueToken: false, TextWriter.Null) != 0)
        {
            throw new DemoException($"could not create the account {Operator} at {config.Node.Id} (see above).");
        }
    }

    /// <summary>A channel to a demo node, signed in as the demo operator.</summary>
    public GrpcChannel Channel(string address)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [_operator];
        handler.SslOptions.RemoteCertificateValidationCallback = CertificateAuthority.TrustOnly(_authority);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
