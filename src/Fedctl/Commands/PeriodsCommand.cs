using System.Security.Cryptography;
using Federation.Shared;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary>
/// <c>fedctl periods verify FILE --ca ca.pem [--crl crl.pem]</c>: proves offline, from a copied
/// bundle (<c>Federation.Node periods --export</c>) and the deployment's CA alone, which node
/// signed which digest for which period: each signature good or bad, each node's chain of
/// periods (previous digests) and each merged period's sources. No node is called. Exit 0 when
/// every signature is good and no link is broken, 1 otherwise, 2 when the files cannot be read.
/// </summary>
internal static class PeriodsCommand
{
    public static int Verify(Output output, FileInfo bundleFile, FileInfo? caFile, FileInfo? crlFile)
    {
        if (caFile is null)
        {
            throw new ArgumentException("give the deployment's CA certificate: --ca ca.pem (the signatures are checked against it alone).");
        }
        SignedPeriodBundle bundle;
        System.Security.Cryptography.X509Certificates.X509Certificate2 authority;
        HashSet<string>? revoked = null;
        try
        {
            bundle = SignedPeriodBundle.Read(File.ReadAllText(bundleFile.FullName));
            authority = CertificateAuthority.LoadPem(caFile.FullName);
            if (crlFile is not null)
            {
                revoked = Pki.ReadRevocationList(authority, Pki.ReadCrlFile(crlFile.FullName), out _);
            }
        }
        catch (Exception ex) when (ex is IOException or FormatException or CryptographicException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read the bundle or the CA/CRL: {ex.Message}");
        }
        var results = BundleVerifier.Verify(bundle, authority, revoked is null ? null : c => revoked.Contains(Pki.SerialHex(c)), NationalCrypto.VerifyOther);
        var bad = results.Count(r => !r.Good);
        if (output.Json)
        {
            Output.WriteJson(new
            {
                exportedBy = bundle.ExportedBy,
                exportedAt = bundle.ExportedAt,
                good = results.Count - bad,
                bad,
                unsigned = bundle.Unsigned.Select(u => new { node = u.Node, period = u.Period, digest = u.Digest }),
                periods = results.Select(r => new { node = r.Node, period = r.Period, digest = r.Digest, signature = r.Signature, chain = r.Chain, sources = r.Sources, good = r.Good }),
            });
            return bad == 0 ? ExitCodes.Ok : ExitCodes.Negative;
        }
        var console = output.Console;
        console.MarkupLine($"Bundle exported by [bold]{Markup.Escape(bundle.ExportedBy)}[/] at {Markup.Escape(bundle.ExportedAt)}: {results.Count} signed, {bundle.Unsigned.Count} unsigned (sealed before signed periods)");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Node").AddColumn("Period").AddColumn("Digest").AddColumn("Signature").AddColumn("Chain").AddColumn("Sources");
        foreach (var r in results.OrderBy(r => r.Node, StringComparer.Ordinal).ThenBy(r => r.Period, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(r.Node), Markup.Escape(r.Period), Markup.Escape(r.Digest), Markup.Escape(r.Signature), Markup.Escape(r.Chain),
                Markup.Escape(string.Join("; ", r.Sources)));
        }
        foreach (var u in bundle.Unsigned.OrderBy(u => u.Node, StringComparer.Ordinal).ThenBy(u => u.Period, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(u.Node), Markup.Escape(u.Period), Markup.Escape(u.Digest), "unsigned (sealed before signed periods)", "", "");
        }
        console.Write(table);
        console.MarkupLine(bad == 0 ? $"All {results.Count} signatures good, every chain link intact." : $"[red]{bad} of {results.Count} signed manifests are bad or broken.[/]");
        return bad == 0 ? ExitCodes.Ok : ExitCodes.Negative;
    }
}
