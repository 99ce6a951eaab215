using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Federation.Store.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Federation.Node.Web;

/// <summary>
/// A signed-in browser: the account, the API token it signed in with (a stamp of its digest, so
/// that revoking or replacing the token ends the session), and when. Carried in an encrypted
/// cookie (ASP.NET Core cookie authentication, <c>__Host-</c>, Secure, HttpOnly, SameSite=Strict)
/// and checked on every request: the account must still exist, be active and hold that token,
/// and the session must be younger than <see cref="WebOptions.SessionLifetime"/> (the cookie itself
/// lapses after <see cref="WebOptions.SessionIdleTimeout"/> unused). Each RPC a page makes checks the
/// account once more, in the interceptor, like any caller's.
/// </summary>
internal sealed record WebSession(string AccountId, string TokenStamp, DateTimeOffset SignedInAt)
{
    /// <summary>The authentication scheme of web sessions (the gRPC endpoint never uses it).</summary>
    public const string Scheme = "federation-web";

    /// <summary>The key under which a page's call carries its session to the interceptor (<c>ServerCallContext.UserState</c>).</summary>
    public const string UserStateKey = "federation.web-session";

    public const string CookieName = "__Host-federation-session";

    private const string StampClaim = "federation:token-stamp";
    private const string SignedInClaim = "federation:signed-in";

    /// <summary>The signed-in session of this request, checked (null: anonymous).</summary>
    public static WebSession? Current(HttpContext http) => http.Items.TryGetValue(typeof(WebSession), out var session) ? session as WebSession : null;

    /// <summary>The account of this request's session, as looked up for it (null: anonymous).</summary>
    public static Security.Caller? CurrentCaller(HttpContext http) => http.Items.TryGetValue(typeof(Security.Caller), out var caller) ? caller as Security.Caller : null;

    /// <summary>A short, one-way stamp of a token's digest (the cookie never holds the token or its digest).</summary>
    public static string Stamp(string tokenDigest) =>
        Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes("federation-web-session/1:" + tokenDigest)))[..32];

    /// <summary>What makes the account no longer the one this session signed in as (for <see cref="Security.CallerAuthenticator.AccountCaller"/>).</summary>
    public Func<Account, string?> BindingProblem(AccountStore accounts) => account =>
        accounts.TokenDigestOf(account.Id) is { } digest && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Stamp(digest)), Encoding.ASCII.GetBytes(TokenStamp))
            ? null
            : $"the API token account {account.Id} signed in with has been revoked or replaced; sign in again";

    public ClaimsPrincipal ToPrincipal() => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, AccountId),
        new Claim(StampClaim, TokenStamp),
        new Claim(SignedInClaim, SignedInAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
    ], Scheme));

    public static WebSession? FromPrincipal(ClaimsPrincipal? principal) =>
        principal?.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
        && principal.FindFirstValue(StampClaim) is { } stamp
        && long.TryParse(principal.FindFirstValue(SignedInClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            ? new WebSession(id, stamp, DateTimeOffset.FromUnixTimeMilliseconds(at))
            : null;

    /// <summary>Whether the session has outlived <paramref name="lifetime"/> at <paramref name="now"/> (or claims to start in the future).</summary>
    public bool Expired(DateTimeOffset now, TimeSpan lifetime) => now >= SignedInAt + lifetime || SignedInAt > now + TimeSpan.FromMinutes(5);

    /// <summary>Cookie authentication for web sessions; <see cref="ValidateAsync"/> runs on every request.</summary>
    public static void Register(IServiceCollection services, WebOptions options)
    {
        services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.Path = "/";
            cookie.ExpireTimeSpan = options.SessionIdleTimeout;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            cookie.LogoutPath = "/logout";
            cookie.AccessDeniedPath = "/login";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.Events = new CookieAuthenticationEvents { OnValidatePrincipal = ValidateAsync };
        });
        // Expiry on the node's clock (a fake one in tests), as everything else.
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<TimeProvider>((cookie, time) => cookie.TimeProvider = time);
    }

    // Every request with a session cookie: the session is checked again, and its account looked up
    // again; anything wrong ends the session at once (the cookie is removed) and the page is then
    // served as to anyone not signed in (a page that needs an account sends them to sign in).
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebOptions>>().Value;
        var session = FromPrincipal(context.Principal);
        string? ended;
        Security.Caller? caller = null;
        if (session is null)
        {
            ended = "the session cookie is not one this node issued";
        }
        else if (session.Expired(now, options.SessionLifetime))
        {
            ended = $"the session is older than {options.SessionLifetime:g}; sign in again";
        }
        else
        {
            var accounts = services.GetRequiredService<AccountStore>();
            try
            {
                caller = services.GetRequiredService<Security.CallerAuthenticator>().AccountCaller(accounts.Find(session.AccountId), session.AccountId, session.BindingProblem(accounts));
                ended = null;
            }
            catch (Security.CredentialsRefusedException refused)
            {
                ended = refused.Status.Detail;
            }
        }
        if (ended is not null)
        {
            context.RejectPrincipal();
            await http.SignOutAsync(Scheme);
            http.Items[EndedKey] = ended;
            WebLog.SessionEnded(services.GetRequiredService<ILogger<WebSession>>(), session?.AccountId ?? "", ended);
            return;
        }
        http.Items[typeof(WebSession)] = session;
        http.Items[typeof(Security.Caller)] = caller;
    }

    /// <summary>Why this request's session was just ended (shown on the sign-in page), or null.</summary>
    public static string? Ended(HttpContext http) => http.Items.TryGetValue(EndedKey, out var why) ? why as string : null;

    private const string EndedKey = "federation.web-session-ended";
}
