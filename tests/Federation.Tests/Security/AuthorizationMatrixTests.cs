using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Store.Security;
using Federation.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Xunit;

namespace Federation.Tests.Security;

/// <summary>
/// Every RPC, driven by every kind of caller, against a real city node with mutual TLS: who is
/// let through and who is refused with which status. The expected table below is
/// written out by hand from docs/security.md — it is not read from the node's own table.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.CityFixture fixture) : IClassFixture<AuthorizationMatrixTests.CityFixture>
{
    private const string Allowed = "allowed";
    private const string Unauthenticated = "Unauthenticated";
    private const string Denied = "PermissionDenied";

    // A certificate number issued in 440106 (inside the city 440100) and a valid citizen ID.
    private const string CertificateNumber = "4401061019000001";
    private const string CitizenId = "11010519491231002X";

    private static readonly string[] Methods =
    [
        "PublicCheck", "HealthCheck", "VerifyCertificate", "VerifyPerson", "GetIndicators", "GetEnterpriseSummary", "GetNodeStatus", "TriggerResync", "GetOperation",
        "ListFindings", "Upload", "GetManifest", "StreamSnapshot", "GetAuditHead", "WatchAuditHead", "ListAccounts", "GetAccount", "CreateAccount", "GrantRole",
        "RevokeRole", "TransferAccount", "SetAccountStatus", "BindCertificate", "IssueToken", "RevokeToken", "ReadAudit", "VerifyAudit", "AcknowledgeWitnessBreak",
        "SubmitApplication", "DecideApplication", "RecordContact", "RegisterLocally", "RecordExit", "ListApplications", "CheckFeed",
        "DeliverApplications", "FollowChanges",
    ];

    private static readonly string[] RegistrarMethods = ["SubmitApplication", "DecideApplication", "RecordContact", "RegisterLocally", "RecordExit", "ListApplications"];

    private static readonly string[] Open = ["PublicCheck", "HealthCheck"];
    private static readonly string[] AccountsMethods = ["ListAccounts", "GetAccount", "CreateAccount", "GrantRole", "RevokeRole", "TransferAccount", "SetAccountStatus", "BindCertificate", "IssueToken", "RevokeToken"];

    /// <summary>Each kind of caller and the methods it may call; every other method is refused with the given status.</summary>
    public static TheoryData<string, string[], string> Principals => new()
    {
        { "anonymous", Open, Unauthenticated },
        { "verifier", [.. Open, "VerifyCertificate", "VerifyPerson", "GetNodeStatus"], Denied },
        { "analyst", [.. Open, "GetIndicators", "GetEnterpriseSummary", "GetNodeStatus"], Denied },
        { "operator", [.. Open, "GetIndicators", "GetEnterpriseSummary", "GetNodeStatus", "TriggerResync", "GetOperation", "ListFindings", "Upload", "ListApplications", "CheckFeed"], Denied },
        { "auditor", [.. Open, "GetNodeStatus", "ReadAudit", "VerifyAudit", "AcknowledgeWitnessBreak", "CheckFeed"], Denied },
        { "registrar", [.. Open, "GetNodeStatus", .. RegistrarMethods], Denied },
        { "administrator", [.. Open, "GetNodeStatus", .. AccountsMethods], Denied },
        { "operator-by-token", [.. Open, "GetIndicators", "GetEnterpriseSummary", "GetNodeStatus", "TriggerResync", "GetOperation", "ListFindings", "Upload", "ListApplications", "CheckFeed"], Denied },
        // Every role, but over Shenzhen: nothing of Guangzhou's.
        { "wrong-jurisdiction", Open, Denied },
        // The configured parent: node-to-node calls, and verification and statistics as itself.
        { "parent-node", [.. Open, "GetManifest", "StreamSnapshot", "GetAuditHead", "WatchAuditHead", "VerifyCertificate", "GetIndicators", "DeliverApplications", "FollowChanges"], Denied },
        { "other-node", Open, Denied },
        // Credentials presented and refused: refused everywhere, never downgraded to anonymous.
        { "locked", [], Unauthenticated },
        { "cancelled", [], Unauthenticated },
        { "unused-40-days", [], Unauthenticated },
        { "revoked", [], Unauthenticated },
        { "expired", [], Unauthenticated },
        { "foreign-ca", [], Unauthenticated },
        { "no-account-here", [], Unauthenticated },
        { "bad-token", [], Unauthenticated },
        { "certificate-and-token", [], Unauthenticated },
    };

    [Theory]
    [MemberData(nameof(Principals))]
    public async Task EveryRpc_IsAllowedOrRefused_AsTheTableSays(string principal, string[] allowed, string refusal)
    {
        using var channel = fixture.ChannelFor(principal);
        var headers = fixture.HeadersFor(principal);
        var wrong = new List<string>();
        foreach (var method in Methods)
        {
            var outcome = await CallAsync(channel, headers, method);
            var expected = allowed.Contains(method) ? Allowed : refusal;
            if (outcome != expected)
            {
                wrong.Add($"{principal} {method}: expected {expected}, got {outcome}");
            }
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public void EveryMethodTheNodeServes_IsInTheMatrix()
    {
        var served = new[] { Verification.Descriptor, Statistics.Descriptor, Admin.Descriptor, Ingest.Descriptor, Protocol.V1.Exchange.Descriptor, Accounts.Descriptor, Audit.Descriptor, Registration.Descriptor }
            .SelectMany(service => service.Methods.Select(m => m.Name)).ToList();
        Assert.Empty(served.Except(Methods));
    }

    [Fact]
    public async Task Refusals_SayWhatIsMissing_AndDiscloseNothing()
    {
        using var anonymous = fixture.ChannelFor("anonymous");
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(() => new Verification.VerificationClient(anonymous)
            .VerifyCertificateAsync(new VerifyCertificateRequest { CertificateNumber = fixture.KnownCertificate }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        Assert.Contains("client certificate", unauthenticated.Status.Detail, StringComparison.Ordinal);

        using var wrong = fixture.ChannelFor("wrong-jurisdiction");
        var denied = await Assert.ThrowsAsync<RpcException>(() => new Verification.VerificationClient(wrong)
            .VerifyCertificateAsync(new VerifyCertificateRequest { CertificateNumber = fixture.KnownCertificate }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("440300", denied.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.KnownHolder, denied.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.KnownCertificate, denied.Status.Detail, StringComparison.Ordinal);

        using var locked = fixture.ChannelFor("locked");
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Admin.AdminClient(locked).GetNodeStatusAsync(new GetNodeStatusRequest(), deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("locked", refused.Status.Detail, StringComparison.Ordinal);

        // Refused credentials are audited under the identity they claimed.
        using var tester = fixture.Node.Channel();
        var audit = await new Audit.AuditClient(tester).ReadAuditAsync(new ReadAuditRequest { Limit = 1000 }, deadline: Deadline());
        Assert.Contains(audit.Records, r => r.Principal == "refused:account:locked" && r.Outcome == "Unauthenticated" && r.Method == "/federation.v1.Admin/GetNodeStatus");

        // An administrator grants only within what they administer.
        using var administrator = fixture.ChannelFor("administrator");
        var beyond = await Assert.ThrowsAsync<RpcException>(() => new Accounts.AccountsClient(administrator).GrantRoleAsync(
            new GrantRoleRequest { Id = "verifier", Grant = new RoleGrant { Role = "verifier", Scope = "000000" } }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, beyond.StatusCode);
        Assert.Contains("cannot grant a role over 000000", beyond.Status.Detail, StringComparison.Ordinal);

        // The verifier of the city reads the record itself.
        using var verifier = fixture.ChannelFor("verifier");
        var answer = await new Verification.VerificationClient(verifier)
            .VerifyCertificateAsync(new VerifyCertificateRequest { CertificateNumber = fixture.KnownCertificate }, deadline: Deadline());
        Assert.True(answer.Found);
        Assert.Equal(fixture.KnownHolder, answer.Holder.Person.Name);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

    // Calls one method with a harmless request; "allowed" when the node got past authorisation
    // (whatever the answer: NOT_FOUND for an unknown id is an answer), else the refusal's status.
    private static async Task<string> CallAsync(GrpcChannel channel, Metadata? headers, string method)
    {
        var options = new CallOptions(headers, Deadline());
        try
        {
            switch (method)
            {
                case "PublicCheck": await new Verification.VerificationClient(channel).PublicCheckAsync(new PublicCheckRequest { CertificateNumber = CertificateNumber, Name = "张三" }, options); break;
                case "HealthCheck": await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), options); break;
                case "VerifyCertificate": await new Verification.VerificationClient(channel).VerifyCertificateAsync(new VerifyCertificateRequest { CertificateNumber = CertificateNumber }, options); break;
                case "VerifyPerson": await new Verification.VerificationClient(channel).VerifyPersonAsync(new VerifyPersonRequest { CitizenId = CitizenId }, options); break;
                case "GetIndicators": await new Statistics.StatisticsClient(channel).GetIndicatorsAsync(new GetIndicatorsRequest(), options); break;
                case "GetEnterpriseSummary": await new Statistics.StatisticsClient(channel).GetEnterpriseSummaryAsync(new GetEnterpriseSummaryRequest { Month = "2026-10" }, options); break;
                case "GetNodeStatus": await new Admin.AdminClient(channel).GetNodeStatusAsync(new GetNodeStatusRequest(), options); break;
                case "TriggerResync": await new Admin.AdminClient(channel).TriggerResyncAsync(new TriggerResyncRequest(), options); break;
                case "GetOperation": await new Admin.AdminClient(channel).GetOperationAsync(new GetOperationRequest { Id = "none" }, options); break;
                case "ListFindings": await new Admin.AdminClient(channel).ListFindingsAsync(new ListFindingsRequest(), options); break;
                case "Upload":
                    using (var upload = new Ingest.IngestClient(channel).Upload(options))
                    {
                        await upload.RequestStream.CompleteAsync();
                        await upload.ResponseAsync;
                    }
                    break;
                case "GetManifest": await new Protocol.V1.Exchange.ExchangeClient(channel).GetManifestAsync(new GetManifestRequest(), options); break;
                case "StreamSnapshot":
                    using (var stream = new Protocol.V1.Exchange.ExchangeClient(channel).StreamSnapshot(new StreamSnapshotRequest(), options))
                    {
                        await stream.ResponseStream.MoveNext(CancellationToken.None);
                    }
                    break;
                case "GetAuditHead": await new Protocol.V1.Exchange.ExchangeClient(channel).GetAuditHeadAsync(new GetAuditHeadRequest(), options); break;
                case "WatchAuditHead":
                    // The witness stream never ends by itself: an allowed caller gets the head at once and waits until its short deadline.
                    using (var watch = new Protocol.V1.Exchange.ExchangeClient(channel).WatchAuditHead(new WatchAuditHeadRequest(), options.WithDeadline(DateTime.UtcNow.AddSeconds(5))))
                    {
                        while (await watch.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                case "ListAccounts": await new Accounts.AccountsClient(channel).ListAccountsAsync(new ListAccountsRequest(), options); break;
                case "GetAccount": await new Accounts.AccountsClient(channel).GetAccountAsync(new AccountRequest { Id = "nobody" }, options); break;
                case "CreateAccount": await new Accounts.AccountsClient(channel).CreateAccountAsync(new CreateAccountRequest { Id = "nobody" }, options); break;
                case "GrantRole": await new Accounts.AccountsClient(channel).GrantRoleAsync(new GrantRoleRequest { Id = "nobody", Grant = new RoleGrant { Role = "verifier" } }, options); break;
                case "RevokeRole": await new Accounts.AccountsClient(channel).RevokeRoleAsync(new RevokeRoleRequest { Id = "nobody", Role = "verifier" }, options); break;
                case "TransferAccount": await new Accounts.AccountsClient(channel).TransferAccountAsync(new TransferAccountRequest { Id = "nobody", NewPost = "x" }, options); break;
                case "SetAccountStatus": await new Accounts.AccountsClient(channel).SetAccountStatusAsync(new SetAccountStatusRequest { Id = "nobody", Status = "locked" }, options); break;
                case "BindCertificate": await new Accounts.AccountsClient(channel).BindCertificateAsync(new BindCertificateRequest { Id = "nobody" }, options); break;
                case "IssueToken": await new Accounts.AccountsClient(channel).IssueTokenAsync(new AccountRequest { Id = "nobody" }, options); break;
                case "RevokeToken": await new Accounts.AccountsClient(channel).RevokeTokenAsync(new AccountRequest { Id = "nobody" }, options); break;
                case "ReadAudit": await new Audit.AuditClient(channel).ReadAuditAsync(new ReadAuditRequest(), options); break;
                case "VerifyAudit": await new Audit.AuditClient(channel).VerifyAuditAsync(new VerifyAuditRequest(), options); break;
                // A city has no children: an auditor is let through and told so (INVALID_ARGUMENT).
                case "AcknowledgeWitnessBreak": await new Audit.AuditClient(channel).AcknowledgeWitnessBreakAsync(new AcknowledgeWitnessBreakRequest { ChildId = "city-440106", Reason = "no break to acknowledge here" }, options); break;
                case "SubmitApplication": await new Registration.RegistrationClient(channel).SubmitApplicationAsync(new SubmitApplicationRequest(), options); break;
                case "DecideApplication": await new Registration.RegistrationClient(channel).DecideApplicationAsync(new DecideApplicationRequest { ApplicationId = "none", Accept = true }, options); break;
                case "RecordContact": await new Registration.RegistrationClient(channel).RecordContactAsync(new RecordContactRequest { ApplicationId = "none" }, options); break;
                case "RegisterLocally": await new Registration.RegistrationClient(channel).RegisterLocallyAsync(new RegisterLocallyRequest(), options); break;
                case "RecordExit": await new Registration.RegistrationClient(channel).RecordExitAsync(new RecordExitRequest { RegistrationId = "none", Reason = "pension" }, options); break;
                case "ListApplications": await new Registration.RegistrationClient(channel).ListApplicationsAsync(new ListApplicationsRequest(), options); break;
                case "CheckFeed": await new Registration.RegistrationClient(channel).CheckFeedAsync(new CheckFeedRequest(), options); break;
                // The parent's two streams: the child answers with its cursor / ends at once on an empty request stream.
                case "DeliverApplications":
                    using (var deliver = new Registration.RegistrationClient(channel).DeliverApplications(options))
                    {
                        await deliver.RequestStream.CompleteAsync();
                        while (await deliver.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                case "FollowChanges":
                    // The feed never ends by itself: an allowed caller waits until its short deadline (5 s: a refusal comes at once, long before it, even on a busy machine).
                    using (var follow = new Registration.RegistrationClient(channel).FollowChanges(new FollowChangesRequest(), options.WithDeadline(DateTime.UtcNow.AddSeconds(5))))
                    {
                        while (await follow.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                default: throw new ArgumentException(method);
            }
            return Allowed;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            return ex.StatusCode.ToString();
        }
        catch (RpcException)
        {
            return Allowed;
        }
    }

    /// <summary>A city node (parent province-440000) with one account per kind of caller.</summary>
    public sealed class CityFixture : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();
        private TestPki _pki = null!;
        private TestPki _foreign = null!;

        public NodeProcess Node { get; private set; } = null!;
        public string KnownCertificate { get; private set; } = "";
        public string KnownHolder { get; private set; } = "";
        public string OperatorToken { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var config = await Exchange.Tree.PrepareCityAsync(_directory.Path, "440100", 50, 31, export =>
            {
                var certificate = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1");
                KnownCertificate = certificate["certificate_number"];
                KnownHolder = ExportFiles.ReadRows(export, "persons").First(p => p["citizen_id"] == certificate["citizen_id"])["name"];
            });
            // Many callers from one address: the public check's rate limit is tested on its own.
            await NodeProcess.EditConfigAsync(config, json => json["Security"]!["PublicCheckBurst"] = 10_000);
            _pki = TestPki.For(_directory.Path);
            var store = _directory.File("data/city-440100.db");
            var now = DateTimeOffset.UtcNow;
            foreach (var role in new[] { "verifier", "analyst", "operator", "auditor", "administrator", "registrar" })
            {
                _pki.AddAccount(store, role, [(role, "440100")]);
            }
            _pki.AddAccount(store, "wrong-jurisdiction", new[] { "verifier", "analyst", "operator", "auditor", "administrator", "registrar" }.Select(r => (r, "440300")));
            _pki.AddAccount(store, "locked", [("verifier", "440100")]);
            _pki.AddAccount(store, "cancelled", [("verifier", "440100")]);
            _pki.AddAccount(store, "unused-40-days", [("verifier", "440100")], lastUsed: now.AddDays(-40));
            _pki.AddAccount(store, "revoked", [("verifier", "440100")]);
            _pki.Account("expired", notBefore: now.AddYears(-2), lifetime: TimeSpan.FromDays(365));
            _pki.AddAccount(store, "expired", [("verifier", "440100")]);
            _pki.Account("no-account-here");
            _pki.Node("province-440000", "440000");
            _pki.Node("city-440300", "440300");
            _foreign = TestPki.For(_directory.File("foreign"));
            _foreign.Account("verifier");
            using (var accounts = AccountStore.Open(SecurityDatabase.PathFor(store)))
            {
                accounts.SetStatus("locked", AccountStatus.Locked, "locked by the administrator", now);
                accounts.SetStatus("cancelled", AccountStatus.Cancelled, "left the service", now);
                OperatorToken = accounts.IssueToken("operator");
            }
            _pki.Revoke("revoked");
            Node = await NodeProcess.StartAsync(config, "city-440100");
        }

        public GrpcChannel ChannelFor(string principal) => principal switch
        {
            "anonymous" or "operator-by-token" or "bad-token" => Node.Channel(account: null),
            "certificate-and-token" => Node.Channel("verifier"),
            "parent-node" => Node.Channel("province-440000"),
            "other-node" => Node.Channel("city-440300"),
            "foreign-ca" => Node.Channel(_foreign.Load("verifier")),
            _ => Node.Channel(principal),
        };

        public Metadata? HeadersFor(string principal) => principal switch
        {
            "operator-by-token" => new Metadata { { "authorization", "Bearer " + OperatorToken } },
            "bad-token" => new Metadata { { "authorization", "Bearer fed_not-a-token" } },
            "certificate-and-token" => new Metadata { { "authorization", "Bearer " + OperatorToken } },
            _ => null,
        };

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            _directory.Dispose();
        }
    }
}
