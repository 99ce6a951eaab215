using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Federation.Protocol.V1;
using Federation.Standards;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Polly;
using Polly.Retry;

namespace Federation.Client;

/// <summary>
/// A typed client for one node. Idempotent calls (status, health, statistics, verification, findings) are retried with
/// jittered exponential backoff on UNAVAILABLE and DEADLINE_EXCEEDED; uploads are never retried.
/// Inputs are checked locally before anything is sent. Failures surface as
/// <see cref="FederationException"/> (gRPC status and the node's message); bad input as
/// <see cref="ArgumentException"/> naming the parameter and the rule. Thread-safe; create one
/// per node and reuse it.
/// </summary>
public sealed class FederationClient : IDisposable
{
    private const int UploadChunkSize = 1024 * 1024;

    private readonly FederationClientOptions _options;
    private readonly GrpcChannel _channel;
    private readonly Metadata? _headers;
    private readonly ResiliencePipeline _retry;
    private readonly System.Security.Cryptography.ECDsa? _signer;
    private volatile string? _entryNode;
    // Whether the health check that opens the TLS connection was made: once, even when the node's
    // certificate names no node (then nothing is signed).
    private volatile bool _primed;

    /// <summary>Creates a client for the node at <see cref="FederationClientOptions.Address"/>.</summary>
    public FederationClient(FederationClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Address, UriKind.Absolute, out var address) || (address.Scheme != "http" && address.Scheme != "https"))
        {
            throw new ArgumentException($"Address '{options.Address}' must be http://host:port or https://host:port.", nameof(options));
        }
        _options = options;
        var handler = new SocketsHttpHandler
        {
            // More HTTP/2 connections once one reaches the node's stream limit (a script verifying
            // in parallel), and pings so that a dead connection is noticed before the next call.
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (options.ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [options.ClientCertificate];
        }
        // Only over TLS: the node's certificate names the node a signature is addressed to (and a
        // client certificate is presented over TLS only).
        _signer = address.Scheme == Uri.UriSchemeHttps ? options.ClientCertificate?.GetECDsaPrivateKey() : null;
        var validate = options.ServerCertificateAuthority is { } authority ? Federation.Shared.CertificateAuthority.TrustOnly(authority) : null;
        if (validate is not null || _signer is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                var trusted = validate?.Invoke(sender, certificate, chain, errors) ?? errors == System.Net.Security.SslPolicyErrors.None;
                // The node a signed call is addressed to: the one its TLS certificate names.
                if (trusted && certificate is X509Certificate2 server && Federation.Shared.CertificateIdentity.Read(server, out _) is { Kind: Federation.Shared.IdentityKind.Node } node)
                {
                    _entryNode = node.Id;
                }
                return trusted;
            };
        }
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = options.WrapHandler is { } wrap ? wrap(handler) : handler,
            DisposeHttpClient = true,
            // The official default backs off up to 120 s between reconnection attempts; a node
            // that restarts is to be reachable by the caller's next retry.
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        });
        _retry = CreateRetryPipeline(options, address.Scheme == Uri.UriSchemeHttps);
        if (options.BearerToken is { Length: > 0 } token)
        {
            _headers = new Metadata { { "authorization", "Bearer " + token } };
        }
    }

    /// <summary>The node's address.</summary>
    public string Address => _options.Address;

    /// <summary>The node's identity, level, jurisdiction, version and uptime.</summary>
    public Task<NodeStatus> GetNodeStatusAsync(CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("get node status", options => new Admin.AdminClient(_channel).GetNodeStatusAsync(new GetNodeStatusRequest(), options).ResponseAsync, cancellationToken);

    /// <summary>The node's overall health (grpc.health.v1).</summary>
    public Task<HealthCheckResponse.Types.ServingStatus> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("check health", async options =>
            (await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest(), options).ResponseAsync.ConfigureAwait(false)).Status, cancellationToken);

    /// <summary>
    /// Indicators R-10 … R-14 from a sealed period. <paramref name="period"/>, <paramref name="from"/>
    /// and <paramref name="to"/> are YYYY-MM-DD or null; <paramref name="division"/> a GB/T 2260 code or null.
    /// </summary>
    public Task<Indicators> GetIndicatorsAsync(string? period = null, string? from = null, string? to = null, string? division = null,
        long employedTotal = 0, CancellationToken cancellationToken = default) =>
        GetIndicatorsAsync(period, from, to, division, employedTotal, calendarMonth: false, cancellationToken);

    /// <summary>
    /// As above; without <paramref name="from"/> and <paramref name="to"/> the node counts R-16's
    /// statistics month (the 21st to the 20th), or with <paramref name="calendarMonth"/> the calendar month.
    /// </summary>
    public Task<Indicators> GetIndicatorsAsync(string? period, string? from, string? to, string? division, long employedTotal, bool calendarMonth,
        CancellationToken cancellationToken = default)
    {
        CheckDate(period, nameof(period));
        CheckDate(from, nameof(from));
        CheckDate(to, nameof(to));
        if (division is not null && DivisionTable.Default.Find(division) is null && division != Jurisdiction.NationalCode)
        {
            throw new ArgumentException($"'{division}' is not a GB/T 2260 division code.", nameof(division));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(employedTotal);
        var request = new GetIndicatorsRequest { Period = period ?? "", From = from ?? "", To = to ?? "", Division = division ?? "", EmployedTotal = employedTotal, CalendarMonth = calendarMonth };
        return CallIdempotentAsync("get indicators", options => new Statistics.StatisticsClient(_channel).GetIndicatorsAsync(request, options).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// Enterprise monitoring's summary of a survey month (YYYY-MM) from a sealed period (default: the
    /// latest): totals, by city, by industry section, and the early-warning list (a reduction of at
    /// least <paramref name="warnPercent"/> % or <paramref name="warnPeople"/> people; 0 = 10 % / 50).
    /// </summary>
    public Task<EnterpriseSummary> GetEnterpriseSummaryAsync(string month, string? period = null, int warnPercent = 0, long warnPeople = 0,
        CancellationToken cancellationToken = default)
    {
        if (month.Length != 7 || !DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new ArgumentException($"'{month}' is not a survey month YYYY-MM.", nameof(month));
        }
        CheckDate(period, nameof(period));
        ArgumentOutOfRangeException.ThrowIfNegative(warnPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(warnPercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(warnPeople);
        var request = new GetEnterpriseSummaryRequest { Month = month, Period = period ?? "", WarnPercent = warnPercent, WarnPeople = warnPeople };
        return CallIdempotentAsync("get enterprise summary", options => new Statistics.StatisticsClient(_channel).GetEnterpriseSummaryAsync(request, options).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// Asks a parent node to pull one child (or all) now, for a period (YYYY-MM-DD) or the latest.
    /// Returns at once with the operation to follow with <see cref="GetOperationAsync"/>. Not retried.
    /// </summary>
    public async Task<Operation> TriggerResyncAsync(string? childId = null, string? period = null, CancellationToken cancellationToken = default)
    {
        CheckDate(period, nameof(period));
        try
        {
            return await new Admin.AdminClient(_channel).TriggerResyncAsync(new TriggerResyncRequest { ChildId = childId ?? "", Period = period ?? "" },
                new CallOptions(_headers, DateTime.UtcNow + _options.DefaultDeadline, cancellationToken)).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new FederationException("trigger resync", Address, ex);
        }
    }

    /// <summary>The state and progress of an operation.</summary>
    public Task<Operation> GetOperationAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return CallIdempotentAsync("get operation", options => new Admin.AdminClient(_channel).GetOperationAsync(new GetOperationRequest { Id = id }, options).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// The holder of an Employment/Unemployment Registration Certificate and their current status,
    /// routed by the node to the place that holds it, with the answer's provenance. The number is
    /// checked locally first (<see cref="ArgumentException"/> says why it is malformed).
    /// </summary>
    public Task<VerifyResponse> VerifyCertificateAsync(string certificateNumber, CancellationToken cancellationToken = default)
    {
        var request = new VerifyCertificateRequest { CertificateNumber = CheckCertificate(certificateNumber) };
        return CallSignedAsync("verify certificate", Verification.Descriptor.FindMethodByName("VerifyCertificate"), request,
            options => new Verification.VerificationClient(_channel).VerifyCertificateAsync(request, options).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// A worker's current status by citizen ID (GB 11643, checked locally first), from every place
    /// that holds their records; <see cref="Provenance.Unanswered"/> lists children that did not answer.
    /// </summary>
    public Task<VerifyResponse> VerifyPersonAsync(string citizenId, CancellationToken cancellationToken = default)
    {
        if (!CitizenId.TryParse(TypedNumber.Fold(citizenId), out var id, out var error))
        {
            throw new ArgumentException($"citizen ID: {error}", nameof(citizenId));
        }
        var request = new VerifyPersonRequest { CitizenId = id.Value };
        return CallSignedAsync("verify person", Verification.Descriptor.FindMethodByName("VerifyPerson"), request,
            options => new Verification.VerificationClient(_channel).VerifyPersonAsync(request, options).ResponseAsync, cancellationToken);
    }

    /// <summary>The public authenticity check (真伪查验): whether the certificate is genuine, in force and held by <paramref name="name"/>.</summary>
    public Task<PublicCheckResponse> PublicCheckAsync(string certificateNumber, string name, CancellationToken cancellationToken = default)
    {
        var number = CheckCertificate(certificateNumber);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallIdempotentAsync("check certificate", options => new Verification.VerificationClient(_channel)
            .PublicCheckAsync(new PublicCheckRequest { CertificateNumber = number, Name = name.Trim() }, options).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// The comparison (比对) findings of a sealed period (YYYY-MM-DD; null = the latest), optionally
    /// of one kind, every page.
    /// </summary>
    public async Task<ListFindingsResponse> ListFindingsAsync(string? period = null, string? kind = null, CancellationToken cancellationToken = default)
    {
        CheckDate(period, nameof(period));
        var request = new ListFindingsRequest { Period = period ?? "", Kind = kind ?? "", PageSize = 1000 };
        var all = await CallIdempotentAsync("list findings", options => new Admin.AdminClient(_channel).ListFindingsAsync(request, options).ResponseAsync, cancellationToken)
            .ConfigureAwait(false);
        var next = all.NextPageToken;
        while (next.Length > 0)
        {
            var page = request.Clone();
            page.Period = all.Period;
            page.PageToken = next;
            var more = await CallIdempotentAsync("list findings", options => new Admin.AdminClient(_channel).ListFindingsAsync(page, options).ResponseAsync, cancellationToken)
                .ConfigureAwait(false);
            all.Findings.AddRange(more.Findings);
            next = more.NextPageToken;
        }
        all.NextPageToken = "";
        return all;
    }

    /// <summary>
    /// Uploads export files (persons.csv, employment.jsonl, … or directories of them) to a city
    /// node, which imports them in one transaction and optionally seals the period as of
    /// <paramref name="sealAsOf"/> (YYYY-MM-DD). Not retried: cancel and call again.
    /// </summary>
    public Task<UploadResult> UploadAsync(IEnumerable<string> paths, string? sealAsOf = null, IProgress<UploadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        UploadAsync(paths, new UploadOptions { SealAsOf = sealAsOf ?? "" }, progress, cancellationToken);

    /// <summary>
    /// As <see cref="UploadAsync(IEnumerable{string}, string?, IProgress{UploadProgress}?, CancellationToken)"/>
    /// with every upload option: the period to seal and the CSV files' encoding (<c>utf-8</c>, the
    /// default, or <c>gb18030</c>).
    /// </summary>
    public async Task<UploadResult> UploadAsync(IEnumerable<string> paths, UploadOptions options, IProgress<UploadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        CheckDate(options.SealAsOf.Length == 0 ? null : options.SealAsOf, "sealAsOf");
        var files = ExpandFiles(paths);
        var total = files.Sum(f => new FileInfo(f).Length);
        // An upload may take long; its deadline scales with the data (at least 1 MiB/s).
        var deadline = DateTime.UtcNow + _options.DefaultDeadline + TimeSpan.FromSeconds(total / (1024.0 * 1024.0));
        using var call = new Ingest.IngestClient(_channel).Upload(new CallOptions(_headers, deadline, cancellationToken));
        try
        {
            if (!options.Equals(new UploadOptions()))
            {
                await call.RequestStream.WriteAsync(new UploadChunk { Options = options }, cancellationToken).ConfigureAwait(false);
            }
            var buffer = new byte[UploadChunkSize];
            long sent = 0;
            foreach (var file in files)
            {
                await call.RequestStream.WriteAsync(new UploadChunk { File = new FileStart { Name = Path.GetFileName(file), Size = new FileInfo(file).Length } }, cancellationToken).ConfigureAwait(false);
                var stream = File.OpenRead(file);
                await using (stream.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        // CopyFrom copies: the buffer is reused for the next chunk.
                        await call.RequestStream.WriteAsync(new UploadChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken).ConfigureAwait(false);
                        sent += read;
                        progress?.Report(new UploadProgress(Path.GetFileName(file), sent, total));
                    }
                }
            }
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            // A write fails when the node has already ended the call (a full disk, a refused
            // file): the write itself may only say Cancelled, the node's status is the story.
            throw new FederationException("upload", Address, await NodeStatusAsync(call.ResponseAsync, ex).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// The node's own status of a client-streaming call whose write (or response) failed with
    /// <paramref name="failed"/>: the response carries it once the call has ended.
    /// </summary>
    internal static async Task<RpcException> NodeStatusAsync<TResponse>(Task<TResponse> response, RpcException failed)
    {
        try
        {
            await response.ConfigureAwait(false);
            return failed;
        }
        catch (RpcException answer)
        {
            return answer;
        }
    }

    /// <summary>
    /// Loads a client certificate and its private key from PEM files, re-imported so that TLS can
    /// use the key on every platform.
    /// </summary>
    public static X509Certificate2 LoadClientCertificate(string certificatePemPath, string keyPemPath) =>
        Federation.Shared.CertificateAuthority.LoadPemWithKey(certificatePemPath, keyPemPath);

    /// <summary>Closes the client's connections.</summary>
    /// <summary>The node's accounts (administrators).</summary>
    public Task<ListAccountsResponse> ListAccountsAsync(CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("list accounts", options => Accounts.ListAccountsAsync(new ListAccountsRequest(), options).ResponseAsync, cancellationToken);

    /// <summary>One account (administrators).</summary>
    public Task<AccountInfo> GetAccountAsync(string id, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("get account", options => Accounts.GetAccountAsync(new AccountRequest { Id = id }, options).ResponseAsync, cancellationToken);

    /// <summary>Creates a personal account with roles for its post, bound to a certificate (PEM) when given. Not retried.</summary>
    public Task<AccountInfo> CreateAccountAsync(string id, string displayName, string post, string? certificatePem,
        IEnumerable<(string Role, string? Scope)> grants, CancellationToken cancellationToken = default)
    {
        var request = new CreateAccountRequest { Id = id, DisplayName = displayName, Post = post, CertificatePem = certificatePem ?? "" };
        request.Grants.AddRange(grants.Select(g => new RoleGrant { Role = g.Role, Scope = g.Scope ?? "" }));
        return CallOnceAsync("create account", options => Accounts.CreateAccountAsync(request, options).ResponseAsync, cancellationToken);
    }

    /// <summary>Grants a role over a jurisdiction (null: the node's own).</summary>
    public Task<AccountInfo> GrantRoleAsync(string id, string role, string? scope, CancellationToken cancellationToken = default) =>
        CallOnceAsync("grant role", options => Accounts.GrantRoleAsync(new GrantRoleRequest { Id = id, Grant = new RoleGrant { Role = role, Scope = scope ?? "" } }, options).ResponseAsync, cancellationToken);

    /// <summary>Takes a role away (over one jurisdiction, or every one when <paramref name="scope"/> is null).</summary>
    public Task<AccountInfo> RevokeRoleAsync(string id, string role, string? scope, CancellationToken cancellationToken = default) =>
        CallOnceAsync("revoke role", options => Accounts.RevokeRoleAsync(new RevokeRoleRequest { Id = id, Role = role, Scope = scope ?? "" }, options).ResponseAsync, cancellationToken);

    /// <summary>Moves the holder to another post: every role of the old post is removed at once.</summary>
    public Task<AccountInfo> TransferAccountAsync(string id, string newPost, CancellationToken cancellationToken = default) =>
        CallOnceAsync("transfer account", options => Accounts.TransferAccountAsync(new TransferAccountRequest { Id = id, NewPost = newPost }, options).ResponseAsync, cancellationToken);

    /// <summary>Locks, unlocks (<c>active</c>) or cancels an account.</summary>
    public Task<AccountInfo> SetAccountStatusAsync(string id, string status, string? reason, CancellationToken cancellationToken = default) =>
        CallOnceAsync("set account status", options => Accounts.SetAccountStatusAsync(new SetAccountStatusRequest { Id = id, Status = status, Reason = reason ?? "" }, options).ResponseAsync, cancellationToken);

    /// <summary>Binds the account to a (new) certificate, PEM.</summary>
    public Task<AccountInfo> BindCertificateAsync(string id, string certificatePem, CancellationToken cancellationToken = default) =>
        CallOnceAsync("bind certificate", options => Accounts.BindCertificateAsync(new BindCertificateRequest { Id = id, CertificatePem = certificatePem }, options).ResponseAsync, cancellationToken);

    /// <summary>Issues a new API token for the account; it is shown once (only its digest is kept).</summary>
    public async Task<string> IssueTokenAsync(string id, CancellationToken cancellationToken = default) =>
        (await CallOnceAsync("issue token", options => Accounts.IssueTokenAsync(new AccountRequest { Id = id }, options).ResponseAsync, cancellationToken).ConfigureAwait(false)).Token;

    /// <summary>Withdraws the account's API token.</summary>
    public Task<AccountInfo> RevokeTokenAsync(string id, CancellationToken cancellationToken = default) =>
        CallOnceAsync("revoke token", options => Accounts.RevokeTokenAsync(new AccountRequest { Id = id }, options).ResponseAsync, cancellationToken);

    /// <summary>Audit entries after <paramref name="afterSeq"/> (auditors), optionally one account's or about one subject.</summary>
    public Task<ReadAuditResponse> ReadAuditAsync(long afterSeq = 0, int limit = 100, string? account = null, string? subject = null, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("read audit", options => new Audit.AuditClient(_channel).ReadAuditAsync(
            new ReadAuditRequest { AfterSeq = afterSeq, Limit = limit, Account = account ?? "", Subject = subject ?? "" }, options).ResponseAsync, cancellationToken);

    /// <summary>Has the node walk its audit chain (auditors).</summary>
    public Task<VerifyAuditResponse> VerifyAuditAsync(CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("verify audit", options => new Audit.AuditClient(_channel).VerifyAuditAsync(new VerifyAuditRequest(), options).ResponseAsync, cancellationToken);

    /// <summary>
    /// Acknowledges a break this (parent) node's witness found in a child's audit chain, with a reason
    /// (auditors): the break leaves status, metrics and health, and the child's next head is the new
    /// baseline. Not retried.
    /// </summary>
    public Task<WitnessBreak> AcknowledgeWitnessBreakAsync(string childId, string reason, CancellationToken cancellationToken = default) =>
        CallOnceAsync("acknowledge witness break", options => new Audit.AuditClient(_channel).AcknowledgeWitnessBreakAsync(
            new AcknowledgeWitnessBreakRequest { ChildId = childId, Reason = reason }, options).ResponseAsync, cancellationToken);

    /// <summary>
    /// Submits an application for unemployment registration (the national platform, at the ministry node).
    /// Retried safely when it carries a platform reference: the node returns the application already made.
    /// </summary>
    public Task<SubmitApplicationResponse> SubmitApplicationAsync(SubmitApplicationRequest request, CancellationToken cancellationToken = default) =>
        request.PlatformReference.Length > 0
            ? CallIdempotentAsync("submit application", options => Registration.SubmitApplicationAsync(request, options).ResponseAsync, cancellationToken)
            : CallOnceAsync("submit application", options => Registration.SubmitApplicationAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>
    /// Accepts or refuses (with a reason) an application at its city node. Retried safely: the node
    /// answers the same decision again as recorded (docs/registration.md, idempotent delivery).
    /// </summary>
    public Task<ApplicationResponse> DecideApplicationAsync(string applicationId, bool accept, string? refusalReason = null, CancellationToken cancellationToken = default) =>
        DecideApplicationAsync(new DecideApplicationRequest { ApplicationId = applicationId, Accept = accept, RefusalReason = refusalReason ?? "" }, cancellationToken);

    /// <summary>As above, with the day the office decided (<c>decided_on</c>). Retried safely.</summary>
    public Task<ApplicationResponse> DecideApplicationAsync(DecideApplicationRequest request, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("decide application", options => Registration.DecideApplicationAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>Records that the worker of an accepted application was contacted. Retried safely.</summary>
    public Task<ApplicationResponse> RecordContactAsync(string applicationId, CancellationToken cancellationToken = default) =>
        RecordContactAsync(new RecordContactRequest { ApplicationId = applicationId }, cancellationToken);

    /// <summary>As above, with the day of the contact (<c>contacted_on</c>). Retried safely.</summary>
    public Task<ApplicationResponse> RecordContactAsync(RecordContactRequest request, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("record contact", options => Registration.RecordContactAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>Records a registration made at the local office; retried safely (the same id is recorded once).</summary>
    public Task<RegistrationResponse> RegisterLocallyAsync(RegisterLocallyRequest request, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("register locally", options => Registration.RegisterLocallyAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>
    /// Records an exit (注销) for a listed reason. Retried safely: the same exit again is
    /// answered as recorded; another exit of a cancelled registration is refused with why.
    /// </summary>
    public Task<RegistrationResponse> RecordExitAsync(string registrationId, string reason, string? exitDate = null, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("record exit", options => Registration.RecordExitAsync(
            new RecordExitRequest { RegistrationId = registrationId, Reason = reason, ExitDate = exitDate ?? "" }, options).ResponseAsync, cancellationToken);

    /// <summary>Applications seen by the node, and its backlog per city.</summary>
    public Task<ListApplicationsResponse> ListApplicationsAsync(ListApplicationsRequest request, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("list applications", options => Registration.ListApplicationsAsync(request, options).ResponseAsync, cancellationToken);

    /// <summary>The registration feed checked against a sealed period (null: the latest).</summary>
    public Task<CheckFeedResponse> CheckFeedAsync(string? period = null, CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("check feed", options => Registration.CheckFeedAsync(new CheckFeedRequest { Period = period ?? "" }, options).ResponseAsync, cancellationToken);

    private Protocol.V1.Registration.RegistrationClient Registration => new(_channel);

    private Accounts.AccountsClient Accounts => new(_channel);

    /// <inheritdoc />
    public void Dispose()
    {
        _channel.Dispose();
        _signer?.Dispose();
    }

    private async Task<T> CallOnceAsync<T>(string operation, Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(new CallOptions(_headers, DateTime.UtcNow + _options.DefaultDeadline, cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new FederationException(operation, Address, ex);
        }
    }

    // A call a node may forward to a child (a verification): signed with the key of the client
    // certificate, when it has an ECDSA one, over the method, the request's bytes, the time and the
    // node addressed (named by its TLS certificate), so that the node answering it can check that
    // this caller asked (docs/security.md, "Callers proven end to end"). Each attempt is signed anew.
    private async Task<T> CallSignedAsync<T>(string operation, Google.Protobuf.Reflection.MethodDescriptor method, IMessage request,
        Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        if (_signer is null)
        {
            return await CallIdempotentAsync(operation, call, cancellationToken).ConfigureAwait(false);
        }
        if (_entryNode is null && !_primed)
        {
            _primed = true;
            // The first call opens the TLS connection that tells which node this is; health is open to anyone.
            try
            {
                await CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FederationException)
            {
                // Unreachable or refused: the call below fails the same way, with its own message.
            }
        }
        var path = $"/{method.Service.FullName}/{method.Name}";
        var digest = System.Security.Cryptography.SHA256.HashData(request.ToByteArray());
        var certificate = _options.ClientCertificate!.RawData;
        return await CallIdempotentAsync(operation, options =>
        {
            if (_entryNode is not { } entry)
            {
                return call(options);
            }
            var headers = new Metadata();
            foreach (var header in _headers ?? [])
            {
                headers.Add(header);
            }
            headers.Add(Federation.Shared.CallerProof.Header, Federation.Shared.CallerProof.Sign(_signer, path, digest, DateTimeOffset.UtcNow, entry));
            headers.Add(Federation.Shared.CallerProof.CertificateHeader, certificate);
            return call(options.WithHeaders(headers));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> CallIdempotentAsync<T>(string operation, Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            // Each attempt gets the whole deadline: a retry after a refused connection must not
            // start with a deadline already spent.
            return await _retry.ExecuteAsync(
                static async (state, token) => await state.call(new CallOptions(state.headers, DateTime.UtcNow + state.deadline, token)).ConfigureAwait(false),
                (call, headers: _headers, deadline: _options.DefaultDeadline), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new FederationException(operation, Address, ex);
        }
    }

    // Only idempotent calls come through here; they are retried when the node could not be reached
    // or did not answer in time — never on an answer (INVALID_ARGUMENT, NOT_FOUND, …).
    // A TLS credentials problem is not retried: it will not go away by itself.
    private static ResiliencePipeline CreateRetryPipeline(FederationClientOptions options, bool https) =>
        options.MaxRetries == 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(ex => ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
                    && TransportProblems.Classify(ex, https) is TransportProblem.None or TransportProblem.Unreachable),
                OnRetry = arguments =>
                {
                    if (options.OnRetry is { } observe && arguments.Outcome.Exception is RpcException failure)
                    {
                        observe(arguments.AttemptNumber, arguments.RetryDelay, failure);
                    }
                    return default;
                },
            })
            .Build();

    private static List<string> ExpandFiles(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
                    .Where(f => !Path.GetFileName(f).StartsWith("defects", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(f).StartsWith("rejects", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new ArgumentException($"{path} does not exist.", nameof(paths));
            }
        }
        return files.Count > 0 ? files : throw new ArgumentException("No export files to upload (*.csv, *.jsonl).", nameof(paths));
    }

    // Full-width digits and spaces as typed are folded first (TypedNumber, shared with the web pages).
    private static string CheckCertificate(string certificateNumber) =>
        CertificateNumber.TryParse(TypedNumber.Fold(certificateNumber), out var number, out var error) ? number.Value
            : throw new ArgumentException($"certificate number: {error}", nameof(certificateNumber));

    private static void CheckDate(string? value, string parameter)
    {
        if (value is not null && !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new ArgumentException($"{parameter} must be a date YYYY-MM-DD, got '{value}'.", parameter);
        }
    }
}
