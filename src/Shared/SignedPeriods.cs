using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Federation.Shared;

// Linked as source into the node (it signs at seal and checks what its children deliver) and into
// fedctl (`fedctl periods verify`, offline, with the CA alone), so both read one encoding.

/// <summary>A merged period's source as its statement names it: a child's period and digest.</summary>
internal sealed record StatementSource(string NodeId, string Period, string Digest);

/// <summary>
/// What a node states when it seals a period, in a canonical byte form that is what it signs
/// (docs/snapshot-format.md, "Signed manifests"): ASCII lines <c>key SP value… LF</c> in a fixed
/// order, counts ordered by dataset name and sources by node then period (ordinal), no
/// whitespace inside a value. <see cref="Parse"/> accepts only that form — it re-encodes what it
/// read and refuses any other spelling — so one statement has exactly one byte sequence.
/// </summary>
internal sealed record PeriodStatement(
    string NodeId, string DivisionCode, string Period, string SealedAt, string Algorithm, string Digest,
    string? PreviousPeriod, string? PreviousDigest, IReadOnlyList<KeyValuePair<string, long>> Counts, IReadOnlyList<StatementSource> Sources)
{
    public const string Format = "federation-signed-period/1";

    public long TotalRecords => Counts.Sum(c => c.Value);

    public byte[] Encode()
    {
        var text = new StringBuilder();
        void Line(string key, params string[] values)
        {
            foreach (var value in values)
            {
                CheckToken(key, value);
            }
            text.Append(key);
            foreach (var value in values)
            {
                text.Append(' ').Append(value);
            }
            text.Append('\n');
        }
        text.Append(Format).Append('\n');
        Line("node", NodeId);
        Line("division", DivisionCode);
        Line("period", Period);
        Line("sealed-at", SealedAt);
        Line("algorithm", Algorithm);
        Line("digest", Digest);
        if (PreviousPeriod is null || PreviousDigest is null)
        {
            Line("previous", "-");
        }
        else
        {
            Line("previous", PreviousPeriod, PreviousDigest);
        }
        foreach (var (dataset, count) in Counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Line("count", dataset, count.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var source in Sources.OrderBy(s => s.NodeId, StringComparer.Ordinal).ThenBy(s => s.Period, StringComparer.Ordinal))
        {
            Line("source", source.NodeId, source.Period, source.Digest);
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Reads a statement; <see cref="FormatException"/> naming the line when it is not exactly the canonical form.</summary>
    public static PeriodStatement Parse(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not (0x0A or (>= 0x20 and <= 0x7E)))
            {
                throw new FormatException("the statement holds a byte that is not printable ASCII");
            }
        }
        var text = Encoding.ASCII.GetString(bytes);
        if (!text.EndsWith('\n'))
        {
            throw new FormatException("the statement does not end with a line feed");
        }
        var lines = text[..^1].Split('\n');
        if (lines[0] != Format)
        {
            throw new FormatException($"the statement does not start with '{Format}'");
        }
        var index = 1;
        string[] Take(string key, int values)
        {
            if (index >= lines.Length)
            {
                throw new FormatException($"the statement ends before its '{key}' line");
            }
            var parts = lines[index].Split(' ');
            if (parts[0] != key || parts.Length != values + 1)
            {
                throw new FormatException($"line {index + 1} of the statement must be '{key}' with {values} value(s)");
            }
            index++;
            return parts[1..];
        }
        var node = Take("node", 1)[0];
        var division = Take("division", 1)[0];
        var period = Take("period", 1)[0];
        var sealedAt = Take("sealed-at", 1)[0];
        var algorithm = Take("algorithm", 1)[0];
        var digest = Take("digest", 1)[0];
        string? previousPeriod = null, previousDigest = null;
        if (index < lines.Length && lines[index] == "previous -")
        {
            index++;
        }
        else
        {
            var previous = Take("previous", 2);
            (previousPeriod, previousDigest) = (previous[0], previous[1]);
        }
        var counts = new List<KeyValuePair<string, long>>();
        while (index < lines.Length && lines[index].StartsWith("count ", StringComparison.Ordinal))
        {
            var count = Take("count", 2);
            if (!long.TryParse(count[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw new FormatException($"line {index} of the statement: the count of {count[0]} is not a number");
            }
            counts.Add(new(count[0], n));
        }
        var sources = new List<StatementSource>();
        while (index < lines.Length)
        {
            var source = Take("source", 3);
            sources.Add(new StatementSource(source[0], source[1], source[2]));
        }
        var statement = new PeriodStatement(node, division, period, sealedAt, algorithm, digest, previousPeriod, previousDigest, counts, sources);
        if (!statement.Encode().AsSpan().SequenceEqual(bytes))
        {
            throw new FormatException("the statement is not in the canonical form (order of counts or sources, or the spelling of a number)");
        }
        return statement;
    }

    private static void CheckToken(string key, string value)
    {
        if (value.Length is 0 or > 256 || value.Any(c => c is <= ' ' or > '~'))
        {
            throw new FormatException($"the statement's '{key}' value must be 1 … 256 printable ASCII characters without spaces");
        }
    }
}

/// <summary>The outcome of checking one signed manifest: its statement when it could be read, and what is wrong, if anything.</summary>
internal sealed record SignatureCheck(PeriodStatement? Statement, string? Problem, X509Certificate2? Certificate)
{
    public bool Good => Problem is null;
}

/// <summary>
/// Signs and checks period statements. A statement names its algorithm and is signed over its
/// exact bytes: <c>ecdsa-p256-sha256</c> — ECDSA on the node certificate's P-256 key over
/// SHA-256, DER signature (RFC 3279), as <c>openssl dgst -sha256 -verify</c> checks it;
/// <c>sm2-sm3</c> — SM2 with SM3 and the default user id (GB/T 32918, GM/T 0009).
/// </summary>
internal static class PeriodSignatures
{
    public const string Ecdsa = "ecdsa-p256-sha256";

    public static byte[] SignEcdsa(ECDsa key, byte[] statement) =>
        key.SignData(statement, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>
    /// Checks a signed manifest against the deployment's CA alone: the statement is canonical, the
    /// certificate chains to <paramref name="authority"/> as of the statement's sealing time, it names
    /// the statement's node and division, it is not revoked (when <paramref name="isRevoked"/> is given),
    /// and the signature over the statement's bytes is the certificate key's.
    /// </summary>
    public static SignatureCheck Verify(byte[] statementBytes, byte[] signature, byte[] certificateDer, X509Certificate2 authority,
        Func<X509Certificate2, bool>? isRevoked = null, Func<string, byte[], byte[], X509Certificate2, bool>? otherAlgorithm = null)
    {
        PeriodStatement statement;
        try
        {
            statement = PeriodStatement.Parse(statementBytes);
        }
        catch (FormatException ex)
        {
            return new SignatureCheck(null, $"unreadable statement: {ex.Message}", null);
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        }
        catch (CryptographicException)
        {
            return new SignatureCheck(statement, "the signer's certificate cannot be read", null);
        }
        if (!DateTimeOffset.TryParse(statement.SealedAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var sealedAt))
        {
            return new SignatureCheck(statement, $"sealed-at '{statement.SealedAt}' is not a time", certificate);
        }
        if (!CertificateAuthority.IssuedAt(authority, certificate, sealedAt.UtcDateTime))
        {
            return new SignatureCheck(statement, "the signer's certificate was not issued by this CA (or was not valid when the period was sealed)", certificate);
        }
        var identity = CertificateIdentity.Read(certificate, out var problem);
        if (identity is null || identity.Kind != IdentityKind.Node)
        {
            return new SignatureCheck(statement, $"the signer's certificate names no node ({problem ?? "an account"})", certificate);
        }
        if (identity.Id != statement.NodeId || identity.DivisionCode != statement.DivisionCode)
        {
            return new SignatureCheck(statement, $"the certificate names node {identity.Id} ({identity.DivisionCode}), the statement {statement.NodeId} ({statement.DivisionCode})", certificate);
        }
        if (isRevoked is not null && isRevoked(certificate))
        {
            return new SignatureCheck(statement, "the signer's certificate has been revoked", certificate);
        }
        bool valid;
        if (statement.Algorithm == Ecdsa)
        {
            using var key = certificate.GetECDsaPublicKey();
            valid = key is not null && key.VerifyData(statementBytes, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        else if (otherAlgorithm is not null)
        {
            valid = otherAlgorithm(statement.Algorithm, statementBytes, signature, certificate);
        }
        else
        {
            return new SignatureCheck(statement, $"unknown signature algorithm '{statement.Algorithm}'", certificate);
        }
        return new SignatureCheck(statement, valid ? null : "the signature does not match the statement (altered, or signed with another key)", certificate);
    }
}
