using System.Net;
using Federation.Store.Security;
using Microsoft.AspNetCore.Authentication;

namespace Federation.Node.Web;

/// <summary>
/// Signing in to the web pages with an account's API token (the same credential as
/// <c>fedctl --token</c>, issued by an administrator with <c>fedctl accounts token</c>); the
/// browser then holds a session cookie bound to the account and that token (<see cref="WebSession"/>).
/// The same rules as a token caller over gRPC: the account must exist and be active
/// (<see cref="Security.CallerAuthenticator.AccountCaller"/>, one piece of code); failed attempts
/// are counted per client address by the same <see cref="Security.AuthenticationThrottle"/> — a
/// growing delay, then a lockout during which even a right token is refused; every attempt is
/// audited as <see cref="Method"/> (a row of the authorisation table), refusals coalesced as the
/// interceptor's are.
/// </summary>
internal sealed class WebSignIn(AccountStore accounts, Security.CallerAuthenticator authenticator, Security.AuthenticationThrottle throttle,
    Security.AuditTrail audit, NodeIdentity node, TimeProvider time, ILogger<WebSignIn> logger)
{
    /// <summary>The audit log's and the authorisation table's name for a web sign-in.</summary>
    public const string Method = "/federation.web.Session/SignIn";

    /// <summary>Why a sign-in was refused; the page says it in the reader's language.</summary>
    public enum Refusal
    {
        None,
        /// <summary>No such account, or not this token: which of the two is not said.</summary>
        WrongCredentials,
        Locked,
        Cancelled,
        /// <summary>Too many failures from this address; <see cref="Result.Until"/> says until when.</summary>
        TooMany,
    }

    public sealed record Result(Refusal Refusal, string Detail, DateTimeOffset? Until = null)
    {
        public bool Succeeded => Refusal == Refusal.None;
    }

    public async Task<Result> SignInAsync(HttpContext http, string accountId, string token)
    {
        accountId = accountId.Trim();
        token = token.Trim();
        var client = Security.SecurityInterceptor.ClientKey(http.Connection.RemoteIpAddress ?? IPAddress.None);
        if (throttle.LockedUntil(client) is { } until)
        {
            await AuditAsync("refused:token", "", Grpc.Core.StatusCode.ResourceExhausted);
            WebLog.SignInRefused(logger, "address locked out");
            return new Result(Refusal.TooMany, $"too many failed sign-ins from this address; sign-ins from it are refused until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", until);
        }
        var account = token.Length == 0 ? null : accounts.FindByToken(token);
        Result result;
        string principal;
        if (account is null || !string.Equals(account.Id, accountId, StringComparison.Ordinal))
        {
            // Whether the account exists, or the token is someone else's, is not said.
            result = new Result(Refusal.WrongCredentials, "the account or its API token is not right");
            principal = "refused:token";
        }
        else
        {
            try
            {
                authenticator.AccountCaller(account, account.Id, _ => null);
                var digest = accounts.TokenDigestOf(account.Id)!;
                var session = new WebSession(account.Id, WebSession.Stamp(digest), time.GetUtcNow());
                await http.SignInAsync(WebSession.Scheme, session.ToPrincipal(), new AuthenticationProperties { IsPersistent = false });
                await AuditAsync("account:" + account.Id, account.Id, Grpc.Core.StatusCode.OK);
                WebLog.SignedIn(logger, account.Id);
                return new Result(Refusal.None, "");
            }
            catch (Security.CredentialsRefusedException refused)
            {
                var status = AccountStore.EffectiveStatus(account, time.GetUtcNow());
                result = new Result(status == AccountStatus.Cancelled ? Refusal.Cancelled : Refusal.Locked, refused.Status.Detail);
                principal = "refused:" + refused.Claimed;
            }
        }
        var (delay, locked) = throttle.Failed(client);
        if (locked)
        {
            WebLog.SignInsLocked(logger);
        }
        await AuditAsync(principal, result.Refusal == Refusal.WrongCredentials ? "" : account!.Id, Grpc.Core.StatusCode.Unauthenticated);
        WebLog.SignInRefused(logger, result.Refusal.ToString());
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, http.RequestAborted);
        }
        return result;
    }

    private Task AuditAsync(string principal, string subject, Grpc.Core.StatusCode outcome)
    {
        var entry = new AuditEntry(time.GetUtcNow(), principal, "", Method, subject, audit.SubjectKey(subject), outcome.ToString(), node.Id);
        return outcome == Grpc.Core.StatusCode.OK ? audit.AppendAsync(entry) : audit.AppendRefusalAsync(entry);
    }
}
