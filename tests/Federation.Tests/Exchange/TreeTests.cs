using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// The whole tree as real processes — two cities, their province, the ministry: sealed data
/// travels up with equal digests, a merged period's findings, and a verification entered at the
/// ministry answered live by the owning city, from the province's cache while the city is down,
/// and live again after it is back; a change after sealing moves no sealed period.
/// </summary>
public sealed class TreeTests
{
    [Fact]
    public async Task Ministry_SeesTheCities_VerifiesLiveThenCachedThenLive()
    {
        using var directory = new TempDirectory();
        string certificate = "", holder = "", holderName = "", moved = "", holderRow = "", guangzhouExport = "";
        var guangzhouConfig = await Tree.PrepareCityAsync(directory.Path, "440100", 300, 41, export =>
        {
            var open = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1");
            (certificate, holder) = (open["certificate_number"], open["citizen_id"]);
            holderName = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == holder)["name"];
            holderRow = File.ReadLines(Path.Combine(export, "persons.csv")).First(l => l.StartsWith(holder + ",", StringComparison.Ordinal));
            guangzhouExport = export;
        });
        // A Guangzhou worker also registered unemployed in Shenzhen: a finding for the province.
        var shenzhenConfig = await Tree.PrepareCityAsync(directory.Path, "440300", 300, 42,
            export => moved = CrossRegion.AddMovedWorkers(guangzhouExport, export, "440300", 1).Single());

        var guangzhou = await NodeProcess.StartAsync(guangzhouConfig, "city-440100");
        await using var shenzhen = await NodeProcess.StartAsync(shenzhenConfig, "city-440300");
        try
        {
            await using var province = await Tree.StartParentAsync(directory.Path, "province-440000", "province", "440000",
                ("city-440100", "440100", guangzhou.Address), ("city-440300", "440300", shenzhen.Address));
            await using var ministry = await Tree.StartParentAsync(directory.Path, "ministry", "ministry", "000000", ("province-440000", "440000", province.Address));
            using var provinceClient = Tree.Client(province);
            using var ministryClient = Tree.Client(ministry);
            using var guangzhouClient = Tree.Client(guangzhou);

            // Pull to the ministry: each parent seals the period as soon as all its children delivered it.
            Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(provinceClient)).State);
            Assert.Equal(OperationState.Succeeded, (await Tree.ResyncAsync(ministryClient)).State);
            var cityStatus = await guangzhouClient.GetNodeStatusAsync();
            var provinceStatus = await provinceClient.GetNodeStatusAsync();
            var ministryStatus = await ministryClient.GetNodeStatusAsync();
            Assert.Equal(cityStatus.LatestSealed.Digest, provinceStatus.Children.Single(c => c.NodeId == "city-440100").Digest);
            Assert.Equal(["city-440100@2026-10-31", "city-440300@2026-10-31"], provinceStatus.LatestSealed.Sources);
            Assert.Equal(provinceStatus.LatestSealed.Digest, ministryStatus.Children.Single().Digest);
            Assert.Equal(provinceStatus.LatestSealed.Records, ministryStatus.LatestSealed.Records);
            var findings = await ministryClient.ListFindingsAsync();
            var duplicate = Assert.Single(findings.Findings, f => f.Kind == "duplicate_unemployment_registration");
            Assert.Equal(moved, duplicate.Subject);
            Assert.Equal(["city-440100", "city-440300"], duplicate.Origins);

            // Live: entered at the ministry, answered by Guangzhou two hops down. The first routed
            // call opens the TLS channels and the stores' connections on each hop, which on a busy
            // 2-core machine (and a cold PostgreSQL) can outlast the 1 s per-hop budget; the
            // routing is asserted on the call after it, not the cold start.
            await ministryClient.VerifyCertificateAsync(certificate);
            var live = await ministryClient.VerifyCertificateAsync(certificate);
            Assert.True(live.Found);
            Assert.Equal(holder, live.Holder.Person.CitizenId);
            var source = Assert.Single(live.Provenance.Sources);
            Assert.Equal((Freshness.Live, 2), (source.Freshness, source.Hops));
            Assert.Equal(["ministry", "province-440000", "city-440100"], source.Route);
            Assert.Contains(live.Holder.Certificates, c => c.Certificate.CertificateNumber == certificate && c.State == CertificateState.Valid);
            Assert.True((await ministryClient.PublicCheckAsync(certificate, holderName)).Genuine);
            Assert.False((await ministryClient.PublicCheckAsync(certificate, holderName + "某")).Genuine);

            // The moved worker: both cities' records, found through the province's index.
            var person = await ministryClient.VerifyPersonAsync(moved);
            Assert.Equal(["city-440100", "city-440300"], person.Holder.Origins);
            Assert.Equal(EmploymentState.Unemployed, person.Holder.EmploymentState);
            Assert.Equal(2, person.Holder.Unemployment.Count);
            Assert.Equal(2, person.Provenance.Sources.Count);

            // The city that owns the record authorised and audited the call for the ministry's
            // caller, forwarded by its parent (on-behalf-of) with the caller's signature, with the citizen ID masked.
            var forwarded = (await guangzhouClient.ReadAuditAsync(limit: 1000, account: TestPki.Tester)).Records
                .Last(r => r.Method == "/federation.v1.Verification/VerifyPerson");
            Assert.Equal(("node:province-440000", "OK", "city-440100"), (forwarded.Principal, forwarded.Outcome, forwarded.Node));
            Assert.StartsWith("tester@ministry signed:", forwarded.OnBehalfOf, StringComparison.Ordinal);
            Assert.DoesNotContain(moved, forwarded.Subject, StringComparison.Ordinal);

            // Guangzhou hangs (stopped, its connection open): the deadline travels down less a
            // reserve at each hop (and at most Exchange:VerificationTimeout, 2 s here, the default), so the
            // province gives up on the city in time to answer from its copy, and the ministry in
            // time to pass that on — within the caller's deadline, or the call would fail with
            // DEADLINE_EXCEEDED. The caller's 3 s leave headroom on a busy machine; no wall clock
            // is asserted.
            using (var impatient = Tree.Client(ministry, options => { options.DefaultDeadline = TimeSpan.FromSeconds(3); options.MaxRetries = 0; }))
            {
                Signal(guangzhou, "STOP");
                try
                {
                    var slow = await impatient.VerifyCertificateAsync(certificate);
                    var cachedSource = Assert.Single(slow.Provenance.Sources);
                    Assert.Equal((Freshness.Cached, Tree.Period), (cachedSource.Freshness, cachedSource.CachedPeriod));
                    Assert.Contains("DeadlineExceeded", cachedSource.Reason, StringComparison.Ordinal);
                }
                finally
                {
                    Signal(guangzhou, "CONT");
                }
            }

            // Guangzhou goes down: the province answers from its copy, and says so.
            await guangzhou.DisposeAsync();
            var cached = await ministryClient.VerifyCertificateAsync(certificate);
            Assert.True(cached.Found);
            Assert.Equal(holder, cached.Holder.Person.CitizenId);
            source = Assert.Single(cached.Provenance.Sources);
            Assert.Equal((Freshness.Cached, Tree.Period), (source.Freshness, source.CachedPeriod));
            Assert.Equal(["ministry", "province-440000"], source.Route);
            Assert.Contains("city-440100 did not answer", source.Reason, StringComparison.Ordinal);
            Assert.Equal(Freshness.Cached, (await ministryClient.PublicCheckAsync(certificate, holderName)).Freshness);
            // Someone nobody's snapshot knows: asked of every city, and the answer says which could not answer.
            var unknown = await ministryClient.VerifyPersonAsync("11010519491231002X");
            Assert.False(unknown.Found);
            Assert.StartsWith("city-440100: Unavailable", Assert.Single(unknown.Provenance.Unanswered), StringComparison.Ordinal);
            var failed = await Tree.ResyncAsync(provinceClient);
            Assert.Equal("failed", failed.Children.Single(c => c.ChildId == "city-440100").State);
            Assert.True((await provinceClient.GetNodeStatusAsync()).Children.Single(c => c.NodeId == "city-440100").Stale);

            // Back up and resynced: live and fresh again; the sealed periods did not move.
            guangzhou = await guangzhou.RestartAsync("city-440100");
            var resync = await Tree.ResyncAsync(provinceClient);
            Assert.Equal(["current", "current"], resync.Children.Select(c => c.State));
            Assert.False((await provinceClient.GetNodeStatusAsync()).Children.Single(c => c.NodeId == "city-440100").Stale);
            source = Assert.Single((await ministryClient.VerifyCertificateAsync(certificate)).Provenance.Sources);
            Assert.True(source.Freshness == Freshness.Live, $"the first call after the city's return was answered {source.Freshness}: {source.Reason}");
            Assert.Equal(provinceStatus.LatestSealed.Digest, (await provinceClient.GetNodeStatusAsync()).LatestSealed.Digest);

            // Guangzhou's data changes after sealing: live answers show it, no sealed period moves anywhere.
            var change = Directory.CreateDirectory(Path.Combine(directory.Path, "change")).FullName;
            File.WriteAllLines(Path.Combine(change, "persons.csv"),
                ["citizen_id,name,sex,birth_date,household_division,household_nature,handling_division,valid", holderRow.Replace("," + holderName + ",", ",改名后,", StringComparison.Ordinal)]);
            using (var reconnected = Tree.Client(guangzhou))
            {
                Assert.Equal(1, (await reconnected.UploadAsync([change])).Changed);
                Assert.Equal(cityStatus.LatestSealed.Digest, (await reconnected.GetNodeStatusAsync()).LatestSealed.Digest);
            }
            Assert.Equal("改名后", (await ministryClient.VerifyCertificateAsync(certificate)).Holder.Person.Name);
            Assert.Equal(["current", "current"], (await Tree.ResyncAsync(provinceClient)).Children.Select(c => c.State));
            Assert.Equal(["current"], (await Tree.ResyncAsync(ministryClient)).Children.Select(c => c.State));
            Assert.Equal(provinceStatus.LatestSealed.Digest, (await provinceClient.GetNodeStatusAsync()).LatestSealed.Digest);
            Assert.Equal(ministryStatus.LatestSealed.Digest, (await ministryClient.GetNodeStatusAsync()).LatestSealed.Digest);
        }
        finally
        {
            await guangzhou.DisposeAsync();
        }
    }

    private static void Signal(NodeProcess node, string signal) => node.Signal(signal);
}
