using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Shared;

// Linked as source into the node (`Federation.Node periods --export`) and fedctl (`fedctl periods
// verify`): the file an auditor copies away and checks with the CA alone.

/// <summary>One signed manifest in a bundle: the exact bytes, base64.</summary>
internal sealed record BundledSignedPeriod(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("statement")] string Statement,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("certificate")] string Certificate);

/// <summary>A period the exporting node holds without a signature (sealed before signed periods, schema v4).</summary>
internal sealed record BundledUnsignedPeriod(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("digest")] string Digest);

/// <summary>
/// An exported bundle of signed period manifests (docs/snapshot-format.md, "Signed manifests"):
/// every signed manifest a node holds — its own and, at a parent, everything its children
/// delivered from below — plus the periods it holds unsigned. JSON carries the bytes, base64:
/// what is signed is the statement's bytes, never the JSON around them.
/// </summary>
internal sealed record SignedPeriodBundle(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("exported_by")] string ExportedBy,
    [property: JsonPropertyName("exported_at")] string ExportedAt,
    [property: JsonPropertyName("signed")] IReadOnlyList<BundledSignedPeriod> Signed,
    [property: JsonPropertyName("unsigned")] IReadOnlyList<BundledUnsignedPeriod> Unsigned)
{
    public const string FormatName = "federation-signed-periods/1";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads a bundle; <see cref="FormatException"/> when it is not one.</summary>
    public static SignedPeriodBundle Read(string json)
    {
        SignedPeriodBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize<SignedPeriodBundle>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not a bundle of signed periods: {ex.Message}", ex);
        }
        if (bundle is null || bundle.Format != FormatName || bundle.Signed is null || bundle.Unsigned is null)
        {
            throw new FormatException($"not a bundle of signed periods (format must be '{FormatName}')");
        }
        return bundle;
    }
}

/// <summary>What <see cref="BundleVerifier"/> found about one signed manifest.</summary>
/// <param name="Node">The node the entry is of.</param>
/// <param name="Period">Its period.</param>
/// <param name="Digest">The digest it signed ("" when unreadable).</param>
/// <param name="Signature">"good" or "bad: why".</param>
/// <param name="Chain">How it links to the node's previous period: "first", "links", "gap: …", "BROKEN: …", or "" when the signature is bad.</param>
/// <param name="Sources">For a merged period, each source: "signed", "unsigned", "missing" or "BROKEN: …".</param>
internal sealed record VerifiedPeriod(string Node, string Period, string Digest, string Signature, string Chain, IReadOnlyList<string> Sources)
{
    public bool Good => Signature == "good" && !Chain.StartsWith("BROKEN", StringComparison.Ordinal) && !Sources.Any(s => s.Contains("BROKEN", StringComparison.Ordinal));
}

/// <summary>
/// Checks a bundle offline with the deployment's CA alone (and its CRL, if given): each
/// signature, each node's chain of periods (each statement's previous digest against the
/// bundle's period of that date) and each merged period's sources.
/// </summary>
internal static class BundleVerifier
{
    public static IReadOnlyList<VerifiedPeriod> Verify(SignedPeriodBundle bundle, X509Certificate2 authority, Func<X509Certificate2, bool>? isRevoked = null,
        Func<string, byte[], byte[], X509Certificate2, bool>? otherAlgorithm = null)
    {
        var checks = new List<(BundledSignedPeriod Entry, SignatureCheck Check)>();
        foreach (var entry in bundle.Signed)
        {
            SignatureCheck check;
            try
            {
                check = PeriodSignatures.Verify(Convert.FromBase64String(entry.Statement), Convert.FromBase64String(entry.Signature),
                    Convert.FromBase64String(entry.Certificate), authority, isRevoked, otherAlgorithm);
            }
            catch (FormatException)
            {
                check = new SignatureCheck(null, "not base64", null);
            }
            if (check.Good && (check.Statement!.NodeId != entry.Node || check.Statement.Period != entry.Period))
            {
                check = check with { Problem = $"the statement is {check.Statement.NodeId}'s {check.Statement.Period}, not {entry.Node}'s {entry.Period}" };
            }
            checks.Add((entry, check));
        }
        // What each node's periods are known to hold: good signed statements and unsigned periods.
        var digests = new Dictionary<(string, string), HashSet<string>>();
        void Know(string node, string period, string digest)
        {
            if (!digests.TryGetValue((node, period), out var set))
            {
                digests[(node, period)] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            set.Add(digest);
        }
        foreach (var (_, check) in checks.Where(c => c.Check.Good))
        {
            Know(check.Statement!.NodeId, check.Statement.Period, check.Statement.Digest);
        }
        var unsigned = bundle.Unsigned.ToDictionary(u => (u.Node, u.Period), u => u.Digest);
        var results = new List<VerifiedPeriod>();
        foreach (var (entry, check) in checks)
        {
            if (!check.Good)
            {
                results.Add(new VerifiedPeriod(entry.Node, entry.Period, check.Statement?.Digest ?? "", $"bad: {check.Problem}", "", []));
                continue;
            }
            var statement = check.Statement!;
            var signedHere = digests[(statement.NodeId, statement.Period)];
            string chain;
            if (signedHere.Count > 1)
            {
                // Two different signed statements for one period: the node equivocated, provably.
                chain = $"BROKEN: {statement.NodeId} signed {signedHere.Count} different digests for {statement.Period}";
            }
            else if (statement.PreviousPeriod is null)
            {
                chain = "first";
            }
            else if (digests.TryGetValue((statement.NodeId, statement.PreviousPeriod), out var previous))
            {
                chain = previous.Contains(statement.PreviousDigest!) && previous.Count == 1 ? $"links to {statement.PreviousPeriod}"
                    : $"BROKEN: previous {statement.PreviousPeriod} has digest {string.Join(",", previous)}, the statement says {statement.PreviousDigest}";
            }
            else if (unsigned.TryGetValue((statement.NodeId, statement.PreviousPeriod), out var legacy))
            {
                chain = legacy == statement.PreviousDigest ? $"links to {statement.PreviousPeriod} (unsigned)"
                    : $"BROKEN: previous {statement.PreviousPeriod} (unsigned) has digest {legacy}, the statement says {statement.PreviousDigest}";
            }
            else
            {
                chain = $"gap: previous {statement.PreviousPeriod} is not in the bundle";
            }
            var sources = new List<string>();
            foreach (var source in statement.Sources)
            {
                var name = $"{source.NodeId} {source.Period}";
                if (digests.TryGetValue((source.NodeId, source.Period), out var held))
                {
                    sources.Add(held.Contains(source.Digest) && held.Count == 1 ? $"{name} signed" : $"{name} BROKEN: signed digest {string.Join(",", held)}, the statement says {source.Digest}");
                }
                else if (unsigned.TryGetValue((source.NodeId, source.Period), out var legacy))
                {
                    sources.Add(legacy == source.Digest ? $"{name} unsigned" : $"{name} BROKEN: unsigned digest {legacy}, the statement says {source.Digest}");
                }
                else
                {
                    sources.Add($"{name} missing");
                }
            }
            results.Add(new VerifiedPeriod(statement.NodeId, statement.Period, statement.Digest, "good", chain, sources));
        }
        return results;
    }
}
