using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Standards;

namespace Federation.Node.Verification;

// The public check: minimal disclosure — whether the number, in force, belongs to someone
// of that name; nothing about who, where or why not. A "no" is the same bytes whatever the
// reason, and takes no measurably different time: the route depends on the number's county
// alone; a parent asks the owning child the public check itself (a fixed-size answer, not the
// record); the node that holds the county does the same work whether the number exists or not
// (PublicCheckRule); and the entry node answers no sooner than Security:PublicCheckMinimumTime
// after the call arrived (bench/publiccheck measures it).
internal sealed partial class VerificationService
{
    public override async Task<PublicCheckResponse> PublicCheck(PublicCheckRequest request, ServerCallContext context)
    {
        var started = time.GetTimestamp();
        var number = ParseCertificate(request.CertificateNumber);
        var name = request.Name.Trim();
        if (name.Length == 0)
        {
            throw RequestFields.Invalid("name: required — the holder's name as printed on the certificate");
        }
        var (genuine, cached) = await PublicCheckAsync(number, name, context);
        metrics.VerificationAnswered("PublicCheck", genuine ? (cached ? "cached" : "live") : "not_found", 0, time.GetElapsedTime(started));
        // The floor is kept by the node the caller asked, not again at every hop below it.
        var fromParent = context.UserState.TryGetValue(Security.Caller.UserStateKey, out var state) && state is Security.Caller { Kind: Security.CallerKind.Node };
        var floor = security.Value.PublicCheckMinimumTime - time.GetElapsedTime(started);
        if (!fromParent && floor > TimeSpan.Zero)
        {
            await Task.Delay(floor, time, context.CancellationToken);
        }
        return PublicCheckRule.Response(genuine, cached);
    }

    private async Task<(bool Genuine, bool Cached)> PublicCheckAsync(CertificateNumber number, string name, ServerCallContext context)
    {
        var (issuer, owner) = Route(number);
        if (owner.Child is { } child)
        {
            var (answer, failure) = await AskPublicCheckAsync(child, number, name, context);
            return answer ?? throw NoCopy(child, issuer!, failure!);
        }
        var own = publicCheck.Check(store.FindStagedCertificateHolder, store.FindStagedHolder, number, name, Today());
        if (issuer is not null || _children.Count == 0)
        {
            return (own.Genuine, own.Cached);
        }
        // A legacy number does not say where it was issued: every child is asked, whatever this
        // node holds (the same calls on every path); one that answers neither live nor from a copy
        // does not make a "no" different.
        var answers = await Task.WhenAll(_children.Select(c => AskPublicCheckAsync(c.Child, number, name, context)));
        return own.Genuine ? (true, own.Cached)
            : answers.Select(a => a.Answer).FirstOrDefault(a => a is { Genuine: true }) ?? (false, false);
    }

    // Asks the child the public check as this node (the parent routes its callers' checks and
    // limits them where they enter); on failure, answers from this node's copy of the child's
    // snapshot when the copy holds the number.
    private async Task<((bool Genuine, bool Cached)? Answer, string? Failure)> AskPublicCheckAsync(ChildOptions child, CertificateNumber number, string name, ServerCallContext context)
    {
        string failure;
        try
        {
            var answer = await clients.Verification(child).PublicCheckAsync(new PublicCheckRequest { CertificateNumber = number.Value, Name = name },
                headers: null, HopDeadline(context), context.CancellationToken).ResponseAsync;
            return ((answer.Genuine, answer.Freshness == Freshness.Cached), null);
        }
        catch (RpcException ex) when (!context.CancellationToken.IsCancellationRequested && ex.StatusCode is not (StatusCode.InvalidArgument or StatusCode.NotFound))
        {
            failure = Exchange.ChildFailure.Describe(ex);
        }
        var copy = publicCheck.Check(n => store.FindCachedCertificateHolder(child.Id, n), citizen => store.FindCachedHolder(child.Id, citizen), number, name, Today());
        if (!copy.Held)
        {
            return (null, failure);
        }
        VerificationLog.PublicCheckFromCache(logger, child.Id, failure);
        return ((copy.Genuine, true), null);
    }
}
