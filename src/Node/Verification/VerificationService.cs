using Federation.Node.Errors;
using Federation.Node.Host;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Microsoft.Extensions.Options;

namespace Federation.Node.Verification;

/// <summary>
/// <c>federation.v1.Verification</c> (R-8, R-9). Any node takes a query and routes it down the
/// tree: a certificate number to the child whose jurisdiction covers its issuing county; a citizen
/// ID to the children whose snapshots hold the person (the routing index), or to every child
/// when the index does not know them (partial answers name the children that did not answer).
/// A node answers from its own current data when no child covers the record. Each hop passes on
/// the caller's deadline, less a reserve for its own fallback: when a child cannot be reached or
/// is too slow, the parent answers from its copy of the child's last snapshot and says so
/// (<see cref="Freshness.Cached"/>, the period and the reason).
/// </summary>
internal sealed partial class VerificationService(IHolderLookups store, NodeIdentity identity, Exchange.ChildClients clients, IOptions<ExchangeOptions> options,
    IOptions<Security.SecurityOptions> security, PublicCheckRule publicCheck, NodeMetrics metrics, TimeProvider time, ILogger<VerificationService> logger)
    : Protocol.V1.Verification.VerificationBase
{
    private readonly Jurisdiction _jurisdiction = DivisionTable.Default.JurisdictionOf(identity.DivisionCode);
    private readonly IReadOnlyList<(ChildOptions Child, Jurisdiction Jurisdiction)> _children =
        [.. identity.Children.Select(c => (c, DivisionTable.Default.JurisdictionOf(c.DivisionCode)))];

    public override Task<VerifyResponse> VerifyCertificate(VerifyCertificateRequest request, ServerCallContext context) =>
        MeasuredAsync("VerifyCertificate", () => VerifyCertificateAsync(ParseCertificate(request.CertificateNumber), request, context));

    public override Task<VerifyResponse> VerifyPerson(VerifyPersonRequest request, ServerCallContext context) =>
        MeasuredAsync("VerifyPerson", () => VerifyPersonAsync(request, context));

    // Answers are counted and timed by how fresh they were and how far they travelled; a failed
    // call is counted by the gRPC server's own metrics (grpc.server.call.duration by status).
    private async Task<VerifyResponse> MeasuredAsync(string method, Func<Task<VerifyResponse>> verify)
    {
        var started = time.GetTimestamp();
        var response = await verify();
        var sources = response.Provenance.Sources;
        var freshness = !response.Found || sources.Count == 0 ? "not_found"
            : sources.Any(s => s.Freshness == Freshness.Cached) ? "cached" : "live";
        metrics.VerificationAnswered(method, freshness, sources.Select(s => s.Hops).DefaultIfEmpty().Max(), time.GetElapsedTime(started));
        return response;
    }

    private async Task<VerifyResponse> VerifyPersonAsync(VerifyPersonRequest request, ServerCallContext context)
    {
        if (!CitizenId.TryParse(request.CitizenId, out _, out var error))
        {
            throw RequestFields.Invalid($"citizen_id: {error}");
        }
        var citizen = request.CitizenId.Trim().ToUpperInvariant();
        var parts = new List<VerifyResponse>();
        if (store.FindStagedHolder(citizen) is { } own)
        {
            parts.Add(Answer(own));
        }
        if (_children.Count == 0)
        {
            return Combine(parts);
        }
        var holding = store.ChildrenHolding(citizen);
        var targets = holding.Count > 0 ? _children.Where(c => holding.Contains(c.Child.Id)).Select(c => c.Child).ToList() : _children.Select(c => c.Child).ToList();
        var answers = await Task.WhenAll(targets.Select(child => AskAsync(child, context,
            VerifyPersonMethod, (client, deadline, headers) => client.VerifyPersonAsync(request, headers, deadline, cancellationToken: context.CancellationToken).ResponseAsync,
            () => store.FindCachedHolder(child.Id, citizen))));
        parts.AddRange(answers.Where(a => a.Answer is not null).Select(a => a.Answer!));
        // Neither reachable nor cached: the answer may be missing that child's records.
        var unanswered = answers.Where(a => a.Failure is not null).Select(a => $"{a.Child.Id}: {a.Failure}").ToList();
        var response = Combine(parts);
        response.Provenance.Unanswered.AddRange(unanswered);
        VerificationLog.Answered(logger, "person", CitizenId.Mask(citizen), response.Found, response.Provenance.Sources.Count, unanswered.Count);
        return response;
    }

    // `request` is what a child is asked: the caller's own request, unchanged, so that the caller's
    // signature of its bytes verifies there too.
    private async Task<VerifyResponse> VerifyCertificateAsync(CertificateNumber number, VerifyCertificateRequest request, ServerCallContext context)
    {
        var (issuer, owner) = Route(number);
        VerifyResponse response;
        if (owner.Child is { } child)
        {
            var (_, answer, failure) = await AskAsync(child, context,
                VerifyCertificateMethod, (client, deadline, headers) => client.VerifyCertificateAsync(request, headers, deadline, cancellationToken: context.CancellationToken).ResponseAsync,
                () => store.FindCachedCertificateHolder(child.Id, number.Value) is { } holder ? store.FindCachedHolder(child.Id, holder) : null);
            response = answer ?? (failure is null ? Combine([]) : throw NoCopy(child, issuer!, failure));
        }
        else if (store.FindStagedCertificateHolder(number.Value) is { } citizen && store.FindStagedHolder(citizen) is { } own)
        {
            response = Answer(own);
        }
        else if (issuer is null && _children.Count > 0)
        {
            // A legacy number does not say where it was issued: ask every child.
            var answers = await Task.WhenAll(_children.Select(c => AskAsync(c.Child, context,
                VerifyCertificateMethod, (client, deadline, headers) => client.VerifyCertificateAsync(request, headers, deadline, cancellationToken: context.CancellationToken).ResponseAsync,
                () => store.FindCachedCertificateHolder(c.Child.Id, number.Value) is { } holder ? store.FindCachedHolder(c.Child.Id, holder) : null)));
            response = Combine([.. answers.Where(a => a.Answer is { Found: true }).Select(a => a.Answer!)]);
            response.Provenance.Unanswered.AddRange(answers.Where(a => a.Failure is not null).Select(a => $"{a.Child.Id}: {a.Failure}"));
        }
        else
        {
            response = Combine([]);
        }
        VerificationLog.Answered(logger, "certificate", CitizenId.Mask(number.Value), response.Found, response.Provenance.Sources.Count, response.Provenance.Unanswered.Count);
        return response;
    }

    // Which child covers the number's issuing county (none: this node answers, or a legacy number
    // asks every child); a number issued outside this node's jurisdiction is refused. The route
    // depends on the number's county alone, never on whether it exists.
    private (string? Issuer, (ChildOptions Child, Jurisdiction Jurisdiction) Owner) Route(CertificateNumber number)
    {
        var issuer = number.IssuerCode;
        if (issuer is not null && !_jurisdiction.Contains(issuer))
        {
            throw new Errors.NotFoundException(
                $"certificate {CitizenId.Mask(number.Value)} was issued in {issuer}, outside {identity.Id}'s jurisdiction ({identity.DivisionCode}); ask a node above it, such as the ministry");
        }
        return (issuer, issuer is null ? default : _children.FirstOrDefault(c => c.Jurisdiction.Contains(issuer)));
    }

    private Errors.UnavailableException NoCopy(ChildOptions child, string issuer, string failure) => new(
        $"{child.Id}, which holds the certificates issued in {issuer}, cannot be reached ({failure}) and {identity.Id} has no copy of this one; try again later");

    // A hop's deadline: the caller's, less a fifth of what is left (at most 200 ms) to answer from
    // the cache if the child is slow, and at most the configured per-hop timeout.
    private DateTime HopDeadline(ServerCallContext context)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var deadline = now + options.Value.VerificationTimeout;
        if (context.Deadline != DateTime.MaxValue)
        {
            var remaining = context.Deadline - now;
            var reserve = TimeSpan.FromTicks(Math.Min(remaining.Ticks / 5, TimeSpan.FromMilliseconds(200).Ticks));
            if (context.Deadline - reserve < deadline)
            {
                deadline = context.Deadline - reserve;
            }
        }
        return deadline;
    }

    /// <summary>
    /// Asks a child, within the caller's deadline less a reserve (and at most the configured
    /// per-hop timeout). On failure, answers from the cached copy when it holds the record. The
    /// answer's routes get this node in front.
    /// </summary>
    private async Task<(ChildOptions Child, VerifyResponse? Answer, string? Failure)> AskAsync(ChildOptions child, ServerCallContext context, string childMethod,
        Func<Protocol.V1.Verification.VerificationClient, DateTime, Grpc.Core.Metadata?, Task<VerifyResponse>> call, Func<HolderRecords?> cached)
    {
        // The child authorises and audits the call for the original caller when that caller signed
        // it (on-behalf-of), else for this node itself where it may ask as itself; a call from a
        // caller who did not sign, which this node may not make as itself, is answered from its copy.
        var caller = context.UserState.TryGetValue(Security.Caller.UserStateKey, out var state) ? state as Security.Caller : null;
        var (headers, notForwarded) = Security.OnBehalfOf.For(caller, identity.Id, context.Method, childMethod);
        if (notForwarded is not null)
        {
            VerificationLog.UnsignedCallNotForwarded(logger, child.Id);
            return FromCopy(child, cached, $"{child.Id} was not asked: {notForwarded}", notForwarded, logAsFailure: false);
        }
        var deadline = HopDeadline(context);
        string failure;
        try
        {
            var answer = await call(clients.Verification(child), deadline, headers);
            foreach (var source in answer.Provenance.Sources)
            {
                source.Route.Insert(0, identity.Id);
                source.Hops = source.Route.Count - 1;
            }
            answer.Provenance.AnsweringNode = identity.Id;
            return (child, answer, null);
        }
        // Connection failures arrive as UNAVAILABLE (the channel maps them).
        catch (RpcException ex) when (!context.CancellationToken.IsCancellationRequested && ex.StatusCode is not (StatusCode.InvalidArgument or StatusCode.NotFound))
        {
            failure = Exchange.ChildFailure.Describe(ex);
        }
        return FromCopy(child, cached, $"{child.Id} did not answer: {failure}", failure, logAsFailure: true);
    }

    private (ChildOptions Child, VerifyResponse? Answer, string? Failure) FromCopy(ChildOptions child, Func<HolderRecords?> cached, string reason, string failure,
        bool logAsFailure)
    {
        if (cached() is { } records)
        {
            if (logAsFailure)
            {
                VerificationLog.AnsweredFromCache(logger, child.Id, records.CachedPeriod?.ToString() ?? "", failure);
            }
            var response = Answer(records);
            response.Provenance.Sources[0].Reason = reason;
            return (child, response, null);
        }
        return (child, null, failure);
    }

    private const string VerifyCertificateMethod = "/federation.v1.Verification/VerifyCertificate";
    private const string VerifyPersonMethod = "/federation.v1.Verification/VerifyPerson";

    private VerifyResponse Answer(HolderRecords records)
    {
        var response = new VerifyResponse
        {
            Found = true,
            Holder = HolderStatusBuilder.Build(records, Today()),
            Provenance = new Provenance { AnsweringNode = identity.Id },
        };
        var source = new AnswerSource { Hops = 0, Freshness = records.CachedPeriod is null ? Freshness.Live : Freshness.Cached };
        source.Route.Add(identity.Id);
        if (records.CachedPeriod is { } period)
        {
            source.CachedPeriod = period.ToString();
        }
        response.Provenance.Sources.Add(source);
        return response;
    }

    private VerifyResponse Combine(IReadOnlyList<VerifyResponse> parts)
    {
        var found = parts.Where(p => p.Found).ToList();
        var response = new VerifyResponse { Found = found.Count > 0, Provenance = new Provenance { AnsweringNode = identity.Id } };
        if (found.Count > 0)
        {
            response.Holder = HolderStatusBuilder.Merge([.. found.Select(p => p.Holder)]);
        }
        foreach (var part in parts)
        {
            response.Provenance.Sources.AddRange(part.Provenance.Sources);
            response.Provenance.Unanswered.AddRange(part.Provenance.Unanswered);
        }
        return response;
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetLocalNow().DateTime);

    private static CertificateNumber ParseCertificate(string text) =>
        CertificateNumber.TryParse(text, out var number, out var error) ? number : throw RequestFields.Invalid($"certificate_number: {error}");
}
