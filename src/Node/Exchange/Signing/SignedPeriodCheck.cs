using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Federation.Node.Security;
using Federation.Shared;
using Federation.Store;

namespace Federation.Node.Exchange.Signing;

/// <summary>
/// A parent's check of what a child signed, before it takes the child's period: the child's
/// signed manifest — chained to the deployment CA as of its sealing, naming that child, not
/// revoked, signed over exactly the manifest the child serves, linked to the child's previous
/// period that this node holds — and every signed manifest the child passed up from below
/// (each from a node inside the child's jurisdiction, covering every source the statements
/// name). Then it records them all. A node that has ever signed must go on signing; a manifest
/// that differs from one held for the same node and period is refused and logged: a node cannot
/// replace or deny a period it sealed.
/// </summary>
internal sealed class SignedPeriodCheck(ISignedPeriods signatures, IChildTransfers received, RevocationList revocations, DeploymentAuthority deployment,
    string? caPath, string algorithm, TimeProvider time, ILogger<SignedPeriodCheck> logger)
{
    private readonly Lazy<X509Certificate2?> _authority = new(() => deployment.Load(caPath));

    /// <summary>Checks and records the signatures of <paramref name="remote"/>; an <see cref="RpcException"/> (FailedPrecondition) saying why when refused.</summary>
    public void CheckAndRecord(ChildOptions child, Protocol.V1.SnapshotManifest remote)
    {
        var period = Period.Parse(remote.Period);
        if (remote.Signed is null)
        {
            if (HasSigned(child.Id))
            {
                throw Refuse(child.Id, period, $"{child.Id} served period {period} unsigned, but has signed periods before; a node that signs cannot stop signing");
            }
            if (remote.Below.Count > 0)
            {
                throw Refuse(child.Id, period, $"{child.Id} served period {period} unsigned but with signed manifests from below; an unsigned period passes nothing up");
            }
            SigningLog.UnsignedAccepted(logger, child.Id, period);
            return;
        }
        var authority = _authority.Value
            ?? throw Refuse(child.Id, period, "this node has no CA certificate (Security:CaPath) to check its children's signatures against");

        var own = Check(child, period, remote.Signed, authority, child.Id);
        var statement = own.Statement;
        if (statement.NodeId != child.Id || statement.Period != remote.Period || statement.Digest != remote.Digest
            || statement.SealedAt != remote.SealedAt || statement.DivisionCode != child.DivisionCode
            || !SameCounts(statement.Counts, remote.Counts))
        {
            throw Refuse(child.Id, period, $"{child.Id}'s signed statement does not match the manifest it serves for {period} (node, period, sealing time, counts or digest)");
        }
        if (statement.PreviousPeriod is { } previousPeriod
            && received.ListChildManifests(child.Id).FirstOrDefault(m => m.Period.ToString() == previousPeriod) is { } previous
            && previous.Digest != statement.PreviousDigest)
        {
            throw Refuse(child.Id, period, $"{child.Id}'s statement for {period} chains to digest {statement.PreviousDigest} for {previousPeriod}, but {previous.Digest} was received for it");
        }

        var all = new List<SignedPeriod> { own.Signed };
        var byKey = new Dictionary<(string, string), PeriodStatement>();
        foreach (var below in remote.Below)
        {
            var check = Check(child, period, below, authority, null);
            if (!Standards.DivisionTable.Default.JurisdictionOf(child.DivisionCode).Contains(check.Statement.DivisionCode) || check.Statement.NodeId == child.Id)
            {
                throw Refuse(child.Id, period, $"{child.Id} passed up a signed manifest of {check.Statement.NodeId} ({check.Statement.DivisionCode}), which is not below it");
            }
            if (!byKey.TryAdd((check.Statement.NodeId, check.Statement.Period), check.Statement))
            {
                throw Refuse(child.Id, period, $"{child.Id} passed up two signed manifests of {check.Statement.NodeId} for {check.Statement.Period}");
            }
            all.Add(check.Signed);
        }
        // Every source a statement names is covered by a signed manifest of that digest — unless
        // its node has never signed anything this node holds (sealed before signed periods).
        var pending = new Stack<PeriodStatement>([statement]);
        while (pending.TryPop(out var next))
        {
            foreach (var source in next.Sources)
            {
                if (byKey.TryGetValue((source.NodeId, source.Period), out var sourceStatement))
                {
                    if (sourceStatement.Digest != source.Digest)
                    {
                        throw Refuse(child.Id, period, $"{next.NodeId}'s statement names {source.NodeId}'s {source.Period} with digest {source.Digest}, but its signed manifest says {sourceStatement.Digest}");
                    }
                    pending.Push(sourceStatement);
                }
                else if (HasSigned(source.NodeId))
                {
                    throw Refuse(child.Id, period, $"{next.NodeId}'s period {next.Period} names {source.NodeId}'s {source.Period} as a source without its signed manifest, though {source.NodeId} signs its periods");
                }
            }
        }

        var recorded = 0;
        foreach (var signed in all)
        {
            var held = signatures.Find(signed.NodeId, signed.Period);
            if (held is null)
            {
                recorded++;
            }
            else if (!held.SameStatement(signed))
            {
                SigningLog.Replaced(logger, signed.NodeId, child.Id, signed.Period.ToString());
                throw new RpcException(new Status(StatusCode.FailedPrecondition,
                    $"{signed.NodeId} presented a signed manifest for period {signed.Period} that differs from the one it signed before; a sealed period cannot be replaced — the one held is kept"));
            }
        }
        try
        {
            signatures.Record(all, time.GetUtcNow());
        }
        catch (StoreException ex)
        {
            throw Refuse(child.Id, period, ex.Message);
        }
        SigningLog.Checked(logger, child.Id, period, all.Count, recorded);
    }

    private bool HasSigned(string nodeId) => signatures.List().Any(s => s.NodeId == nodeId);

    private (PeriodStatement Statement, SignedPeriod Signed) Check(ChildOptions child, Period period, Protocol.V1.SignedPeriod proto, X509Certificate2 authority, string? expectedNode)
    {
        var statementBytes = proto.Statement.ToByteArray();
        var signature = proto.Signature.ToByteArray();
        var certificate = proto.Certificate.ToByteArray();
        // Exactly what was checked and recorded before is not checked again: a certificate revoked
        // since (a node retired, a key rotated) does not undo the periods it signed while valid.
        if (TryParse(statementBytes) is { } known && signatures.Find(known.NodeId, Period.Parse(known.Period)) is { } held
            && held.SameStatement(new SignedPeriod(known.NodeId, held.Period, statementBytes, signature, certificate))
            && held.Signature.AsSpan().SequenceEqual(signature) && held.Certificate.AsSpan().SequenceEqual(certificate)
            && (expectedNode is null || known.NodeId == expectedNode))
        {
            return (known, held);
        }
        var check = PeriodSignatures.Verify(statementBytes, signature, certificate, authority, revocations.IsRevoked, NationalCrypto.VerifyOther);
        if (!check.Good)
        {
            var who = check.Statement is { } s ? $"{s.NodeId}'s signed manifest for {s.Period}" : "a signed manifest";
            throw Refuse(child.Id, period, $"{who}: {check.Problem}");
        }
        var statement = check.Statement!;
        if (statement.Algorithm != algorithm)
        {
            // One setting per tree (docs/security.md, "National cryptography").
            throw Refuse(child.Id, period, $"{statement.NodeId} signs its periods with {statement.Algorithm}, this node with {algorithm}: a tree runs one Security:Crypto setting (standard or national) on every node");
        }
        if (expectedNode is not null && statement.NodeId != expectedNode)
        {
            throw Refuse(child.Id, period, $"the signed manifest is {statement.NodeId}'s, not {expectedNode}'s");
        }
        if (!DateOnly.TryParseExact(statement.Period, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw Refuse(child.Id, period, $"{statement.NodeId}'s signed manifest names period '{statement.Period}', not a date");
        }
        return (statement, new SignedPeriod(statement.NodeId, Period.Parse(statement.Period), statementBytes, signature, certificate, child.Id));
    }

    private static PeriodStatement? TryParse(byte[] statement)
    {
        try
        {
            var parsed = PeriodStatement.Parse(statement);
            return Period.TryParse(parsed.Period, out _) ? parsed : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool SameCounts(IReadOnlyList<KeyValuePair<string, long>> signed, Google.Protobuf.Collections.MapField<string, long> served) =>
        signed.Count == served.Count && signed.All(c => served.TryGetValue(c.Key, out var n) && n == c.Value);

    private RpcException Refuse(string childId, Period period, string problem)
    {
        SigningLog.Refused(logger, childId, period, problem);
        return new RpcException(new Status(StatusCode.FailedPrecondition, problem));
    }
}
