using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store.Security;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace Federation.Node.Security;

/// <summary>
/// Every call the node serves passes here first: authentication (<see cref="CallerAuthenticator"/>),
/// authorisation against <see cref="AccessTable"/> (deny by default), the public check's rate
/// limit, and the audit entry — written whatever the outcome, refusals included, before the
/// answer leaves (repeated refusals counted, <see cref="AuditTrail.AppendRefusalAsync"/>).
/// Refusals say what is missing and disclose nothing about the data. Floods are bounded here:
/// failed sign-ins per address (<see cref="AuthenticationThrottle"/>), anonymous streams per
/// address; and every stream is told to end when the node starts stopping.
/// </summary>
internal sealed partial class SecurityInterceptor : Interceptor, IDisposable
{
    private readonly CallerAuthenticator _authenticator;
    private readonly CallerProofVerifier _proofs;
    private readonly AuditTrail _audit;
    private readonly NodeIdentity _node;
    private readonly string? _parentId;
    private readonly TimeProvider _time;
    private readonly Jurisdiction _nodeJurisdiction;
    private readonly PartitionedRateLimiter<IPAddress> _publicChecks;
    private readonly AuthenticationThrottle _signIns;
    private readonly int _anonymousStreamsPerAddress;
    private readonly ConcurrentDictionary<string, int> _anonymousStreams = new(StringComparer.Ordinal);
    private readonly CancellationToken _stopping;
    private readonly ILogger<SecurityInterceptor> _logger;

    public SecurityInterceptor(CallerAuthenticator authenticator, CallerProofVerifier proofs, AuditTrail audit, AuthenticationThrottle signIns, NodeIdentity node, NodeOptions options,
        IOptions<SecurityOptions> security, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<SecurityInterceptor> logger)
    {
        _authenticator = authenticator;
        _proofs = proofs;
        _audit = audit;
        _signIns = signIns;
        _anonymousStreamsPerAddress = security.Value.AnonymousStreamsPerAddress;
        _stopping = lifetime.ApplicationStopping;
        _node = node;
        _parentId = string.IsNullOrWhiteSpace(options.ParentId) ? null : options.ParentId;
        _time = time;
        _logger = logger;
        _nodeJurisdiction = DivisionTable.Default.JurisdictionOf(node.DivisionCode);
        var perMinute = security.Value.PublicCheckPerMinute;
        var burst = security.Value.PublicCheckBurst;
        // A bucket of `burst` checks per client, refilled one at a time at `perMinute` a minute.
        _publicChecks = PartitionedRateLimiter.Create<IPAddress, string>(address => RateLimitPartition.GetTokenBucketLimiter(ClientKey(address), _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        await GuardAsync(request, context, _ => continuation(request, context), stream: false);

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        await GuardAsync<object, TResponse>(null, context, _ => continuation(requestStream, context), stream: false);

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        await GuardAsync<TRequest, bool>(request, context, async call =>
        {
            await continuation(request, responseStream, call);
            return true;
        }, stream: true);

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        await GuardAsync<object, bool>(null, context, async call =>
        {
            await continuation(requestStream, responseStream, call);
            return true;
        }, stream: true);

    // A server-streaming or duplex call (stream) ends when the node starts stopping; an
    // anonymous one counts against its address's streams.
    private async Task<TResponse> GuardAsync<TRequest, TResponse>(TRequest? request, ServerCallContext context, Func<ServerCallContext, Task<TResponse>> call, bool stream)
    {
        var method = context.Method;
        var rule = AccessTable.Rules.GetValueOrDefault(method);
        var caller = Caller.Anonymous;
        var (subject, subjectDivision) = Subject(request);
        var outcome = StatusCode.OK;
        var client = ClientKey(context.GetHttpContext().Connection.RemoteIpAddress ?? IPAddress.None);
        var anonymousStream = false;
        try
        {
            if (rule is null)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"{method} is not in this node's authorisation table; nobody may call it"));
            }
            caller = await AuthenticateAsync(context, client);
            caller = Authorise(rule, caller, context, subjectDivision, request);
            context.UserState[Caller.UserStateKey] = caller;
            if (!stream)
            {
                return await call(context);
            }
            if (caller.Kind == CallerKind.Anonymous)
            {
                anonymousStream = EnterAnonymousStream(client);
            }
            // A stream ends when the node starts stopping: a moment after (a watcher gets its
            // NOT_SERVING first) it is reset, the client sees it end and reconnects — to this node
            // once it is back, or to another — so the server drains in moments instead of waiting
            // out Server:ShutdownTimeout for callers that never hang up. (The call's own
            // cancellation token cannot be swapped: the service is activated from its HttpContext.)
            var end = new StreamEnd(context.GetHttpContext(), _time);
            using (_stopping.Register(static state => ((StreamEnd)state!).AbortSoon(), end))
            {
                try
                {
                    return await call(context);
                }
                finally
                {
                    end.Done();
                }
            }
        }
        catch (CredentialsRefusedException ex)
        {
            caller = Caller.Anonymous with { Refused = ex.Claimed };
            outcome = ex.StatusCode;
            throw;
        }
        catch (SignInLockedException ex)
        {
            caller = Caller.Anonymous with { Refused = "token" };
            outcome = ex.StatusCode;
            throw;
        }
        catch (ForwardedCallRefusedException ex)
        {
            caller = ex.Caller;
            outcome = ex.StatusCode;
            throw;
        }
        catch (DomainException ex)
        {
            // A rule of the node refused the call: its status, by the one mapping, for the caller and the audit.
            var refused = RpcErrors.ToRpcException(ex);
            outcome = refused.StatusCode;
            throw refused;
        }
        catch (RpcException ex)
        {
            outcome = ex.StatusCode;
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            outcome = StatusCode.Cancelled;
            throw;
        }
        catch (Exception ex) when (Federation.Store.StoreIntegrity.IsStoreAway(ex))
        {
            // The store's database server is away (a PostgreSQL store stopped or restarting): a
            // state that passes, said as such — not INTERNAL, and not the driver's text (the
            // operator's log has it; no request data is in either).
            Errors.FaultLog.StoreAway(_logger, method, ex.GetBaseException().Message);
            outcome = StatusCode.Unavailable;
            throw new RpcException(new Status(StatusCode.Unavailable, Errors.FaultLog.StoreAwayText));
        }
        catch
        {
            outcome = StatusCode.Internal;
            throw;
        }
        finally
        {
            if (anonymousStream)
            {
                LeaveAnonymousStream(client);
            }
            if (rule is null || rule.Audited)
            {
                var entry = new AuditEntry(_time.GetUtcNow(), caller.AuditName, caller.AuditOnBehalfOf, method,
                    Mask(subject), _audit.SubjectKey(Unmarked(subject)), outcome.ToString(), _node.Id);
                // A refusal like one just written is counted, not written again (a flood cannot fill the disk).
                await (outcome is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.ResourceExhausted
                    ? _audit.AppendRefusalAsync(entry)
                    : _audit.AppendAsync(entry));
            }
        }
    }

    // Failed sign-ins cost the address a growing delay, then a lockout of token sign-ins (a token
    // can be guessed; a certificate cannot, so one that checks out still passes).
    private async Task<Caller> AuthenticateAsync(ServerCallContext context, string client)
    {
        if (context.RequestHeaders.GetValue("authorization") is not null && _signIns.LockedUntil(client) is { } until)
        {
            throw new SignInLockedException($"too many failed sign-ins from this address; token sign-ins from it are refused until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        }
        try
        {
            return await _authenticator.AuthenticateAsync(context);
        }
        catch (CredentialsRefusedException)
        {
            var (delay, locked) = _signIns.Failed(client);
            if (locked)
            {
                LogSignInsLocked(_logger);
            }
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, context.CancellationToken);
            }
            throw;
        }
    }

    private bool EnterAnonymousStream(string client)
    {
        var open = _anonymousStreams.AddOrUpdate(client, 1, static (_, n) => n + 1);
        if (open > _anonymousStreamsPerAddress)
        {
            LeaveAnonymousStream(client);
            LogStreamsCapped(_logger);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"this address already holds {_anonymousStreamsPerAddress} open anonymous streams (watches) at this node; close one first"));
        }
        return true;
    }

    private void LeaveAnonymousStream(string client)
    {
        // Removed at zero so that addresses seen once do not accumulate.
        if (_anonymousStreams.AddOrUpdate(client, 0, static (_, n) => n - 1) <= 0)
        {
            _anonymousStreams.TryRemove(new KeyValuePair<string, int>(client, 0));
        }
    }

    private Caller Authorise(AccessRule rule, Caller caller, ServerCallContext context, string? subjectDivision, object? request)
    {
        if (rule.Anonymous)
        {
            // The parent routes its callers' checks down and limits them where they enter.
            if (context.Method == "/federation.v1.Verification/PublicCheck" && !(caller.Kind == CallerKind.Node && caller.Id == _parentId))
            {
                LimitPublicChecks(context);
            }
            return caller;
        }
        var forwarded = context.RequestHeaders.GetValue(OnBehalfOf.Header);
        switch (caller.Kind)
        {
            case CallerKind.Anonymous:
                throw new RpcException(new Status(StatusCode.Unauthenticated,
                    $"{context.Method} needs an account: present your client certificate (fedctl --cert/--key) or an API token (--token)"));
            case CallerKind.Node when caller.Id != _parentId:
                throw Denied($"node {caller.Id} is not {_node.Id}'s parent ({_parentId ?? "it has none"}); a node answers node-to-node calls from its configured parent only");
            case CallerKind.Node when forwarded is null:
                return rule.Parent ? caller : throw Denied($"{context.Method} is not served to node {caller.Id} itself; a forwarded call names the account it is made for");
            case CallerKind.Node:
                if (!rule.Forwarded)
                {
                    throw Denied($"{context.Method} cannot be forwarded on behalf of another caller");
                }
                var grants = OnBehalfOf.ParseGrants(context.RequestHeaders.GetValue(OnBehalfOf.GrantsHeader) ?? "")
                    ?? throw new RpcException(new Status(StatusCode.Unauthenticated, $"the forwarded call's {OnBehalfOf.GrantsHeader} header is malformed"));
                var at = forwarded.LastIndexOf('@');
                if (forwarded.Length is 0 or > 200 || at <= 0 || at == forwarded.Length - 1 || forwarded.Contains(' ', StringComparison.Ordinal))
                {
                    throw new RpcException(new Status(StatusCode.Unauthenticated, $"the forwarded call's {OnBehalfOf.Header} header must be <account>@<node>"));
                }
                caller = caller with { OnBehalfOf = forwarded, ForwardedGrants = grants };
                try
                {
                    // The parent vouches for the grants, but only the caller's own signature of this
                    // very call proves that the caller exists and asked (docs/security.md).
                    caller = caller with { Signature = _proofs.VerifyForwarded(context, RequestDigest(request), forwarded[..at], forwarded[(at + 1)..]) };
                    CheckGrants(rule, grants, context, subjectDivision, forwarded);
                }
                catch (RpcException denied)
                {
                    // Audited with the original caller it was made for.
                    throw new ForwardedCallRefusedException(denied.Status, caller);
                }
                return caller;
            default:
                if (forwarded is not null)
                {
                    throw Denied($"only {_node.Id}'s parent node may call on behalf of someone else");
                }
                CheckGrants(rule, caller.Grants, context, subjectDivision, "account " + caller.Id);
                return rule.Forwarded && CallerProofVerifier.IsPresent(context) ? caller with { Signature = VerifyAtEntry(caller, context, request) } : caller;
        }
    }

    // A caller who signed a call that may be forwarded: checked here too, so that a bad signature is
    // refused where it entered rather than passed on.
    private CallerSignature VerifyAtEntry(Caller caller, ServerCallContext context, object? request)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        try
        {
            return certificate is null
                ? throw new RpcException(new Status(StatusCode.Unauthenticated, "a signed call is made with the client certificate that signs it, not with an API token"))
                : _proofs.VerifyAtEntry(context, RequestDigest(request), certificate, _node.Id);
        }
        catch (RpcException refused)
        {
            throw new CredentialsRefusedException(refused.Status.Detail, "account:" + caller.Id);
        }
    }

    // SHA-256 of the request message's bytes, as the caller signed them (a forwarded request is passed on unchanged).
    private static byte[] RequestDigest(object? request) =>
        SHA256.HashData(request is Google.Protobuf.IMessage message ? Google.Protobuf.MessageExtensions.ToByteArray(message) : []);

    private void CheckGrants(AccessRule rule, IReadOnlyList<(string Role, string Scope)> grants, ServerCallContext context, string? subjectDivision, string who)
    {
        var roles = grants.Where(g => rule.Roles.Contains(g.Role)).ToList();
        if (roles.Count == 0)
        {
            throw Denied($"{who} has no role that may call {context.Method} (needs one of: {string.Join(", ", rule.Roles)})");
        }
        // The subject's division when the request names one the rule looks at, else the node's whole jurisdiction.
        var target = rule.Scope == ScopeRule.Subject && subjectDivision is not null ? subjectDivision : null;
        if (rule.Scope != ScopeRule.None && !roles.Any(g => Covers(g.Scope, target)))
        {
            throw Denied(target is null
                ? $"{who}'s {string.Join("/", roles.Select(r => r.Role).Distinct())} role covers {string.Join(", ", roles.Select(r => r.Scope).Distinct())}, not all of {_node.Id}'s jurisdiction ({_node.DivisionCode}); ask the node of your own jurisdiction"
                : $"{who}'s {string.Join("/", roles.Select(r => r.Role).Distinct())} role covers {string.Join(", ", roles.Select(r => r.Scope).Distinct())}, not records issued in {target}");
        }
    }

    // A scope covers a division when the division lies in the scope's jurisdiction; it covers the
    // node (target null) when the node's whole jurisdiction lies in it.
    private bool Covers(string scope, string? target)
    {
        if (target is not null || scope == Jurisdiction.NationalCode)
        {
            return Roles.Covers(scope, target ?? Jurisdiction.NationalCode);
        }
        if (!OnBehalfOf.IsScope(scope))
        {
            return false; // a grant over no known division covers nothing
        }
        var jurisdiction = DivisionTable.Default.JurisdictionOf(scope);
        return _node.DivisionCode != Jurisdiction.NationalCode
            && jurisdiction.Contains(_node.DivisionCode)
            && _nodeJurisdiction.Prefixes.All(prefix => prefix.Length >= jurisdiction.Prefixes.Min(p => p.Length));
    }

    private void LimitPublicChecks(ServerCallContext context)
    {
        var address = context.GetHttpContext().Connection.RemoteIpAddress ?? IPAddress.None;
        using var lease = _publicChecks.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            LogRateLimited(_logger);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "too many authenticity checks from this address; try again in a minute"));
        }
    }

    private static RpcException Denied(string why) => new(new Status(StatusCode.PermissionDenied, why));

    // One client: an IPv4 address, or an IPv6 /64 (one subscriber's network: a client could
    // otherwise take a new address for every check).
    internal static string ClientKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        return Convert.ToHexString(bytes, 0, 8) + "::/64";
    }

    // The subject of a call (for the audit log) and, for a record asked about, the division it
    // belongs to (for the jurisdiction check).
    private static (string Subject, string? Division) Subject(object? request) => request switch
    {
        VerifyCertificateRequest r => (Personal + r.CertificateNumber.Trim(), CertificateNumber.TryParse(r.CertificateNumber, out var n, out _) ? n.IssuerCode : null),
        PublicCheckRequest r => (Personal + r.CertificateNumber.Trim(), null),
        VerifyPersonRequest r => (Personal + r.CitizenId.Trim(), null),
        TriggerResyncRequest r => (r.ChildId, null),
        AccountRequest r => (r.Id, null),
        CreateAccountRequest r => (r.Id, null),
        GrantRoleRequest r => (r.Id, null),
        RevokeRoleRequest r => (r.Id, null),
        TransferAccountRequest r => (r.Id, null),
        SetAccountStatusRequest r => (r.Id, null),
        BindCertificateRequest r => (r.Id, null),
        // The registration service: the person (masked, and findable by its keyed hash) or the case.
        SubmitApplicationRequest r => (Personal + r.CitizenId.Trim(), null),
        RegisterLocallyRequest r => (Personal + r.CitizenId.Trim(), null),
        DecideApplicationRequest r => (r.ApplicationId, null),
        RecordContactRequest r => (r.ApplicationId, null),
        RecordExitRequest r => (r.RegistrationId, null),
        AcknowledgeWitnessBreakRequest r => (r.ChildId, null),
        _ => ("", null),
    };

    // Marks a subject as a person's number (citizen ID, certificate number): masked in the log
    // whatever its length or shape; node and account ids are not personal and stay as they are.
    private const char Personal = '\u0001';

    private static string Mask(string subject) => subject.StartsWith(Personal) ? CitizenId.Mask(subject[1..]) : subject;

    private static string Unmarked(string subject) => subject.StartsWith(Personal) ? subject[1..] : subject;

    public void Dispose() => _publicChecks.Dispose();

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Public authenticity checks rate-limited for a client address")]
    private static partial void LogRateLimited(ILogger logger);

    [LoggerMessage(EventId = 2620, Level = LogLevel.Warning, Message = "Token sign-ins locked out for a client address after repeated failed sign-ins")]
    private static partial void LogSignInsLocked(ILogger logger);

    [LoggerMessage(EventId = 2621, Level = LogLevel.Warning, Message = "Anonymous streams capped for a client address")]
    private static partial void LogStreamsCapped(ILogger logger);
}

/// <summary>
/// Resets a stream a moment after the node starts stopping, unless the call has ended by then
/// (its HttpContext may then serve another request, so it is never touched after).
/// </summary>
internal sealed class StreamEnd(Microsoft.AspNetCore.Http.HttpContext http, TimeProvider time)
{
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private bool _done;

    public void Done()
    {
        lock (_gate)
        {
            _done = true;
        }
    }

    public void AbortSoon() => _ = AbortAfterGraceAsync();

    private async Task AbortAfterGraceAsync()
    {
        await Task.Delay(Grace, time);
        lock (_gate)
        {
            if (!_done)
            {
                http.Abort();
            }
        }
    }
}

/// <summary>Token sign-ins refused while the caller's address is locked out (RESOURCE_EXHAUSTED).</summary>
internal sealed class SignInLockedException(string why) : RpcException(new Status(StatusCode.ResourceExhausted, why));

/// <summary>A forwarded call refused for its original caller: carries that caller for the audit entry.</summary>
internal sealed class ForwardedCallRefusedException(Status status, Caller caller) : RpcException(status)
{
    public Caller Caller { get; } = caller;
}
