using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Shared;
using Federation.Store.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace Federation.Node.Security;

/// <summary>
/// Establishes who is calling. A client certificate is validated by ASP.NET Core's certificate
/// authentication (chain to the deployment CA only, validity, client-authentication use), then
/// checked against the revocation list and read for the identity it names; an account must exist
/// here, be bound to that very certificate, and be neither locked nor cancelled. An API token
/// (<c>authorization: Bearer fed_…</c>) stands for its account the same way. No credentials: the
/// caller is anonymous. Anything presented and not accepted is refused — never downgraded to
/// anonymous.
/// </summary>
internal sealed class CallerAuthenticator(AccountStore accounts, RevocationList revocations, NodeIdentity node, TimeProvider time)
{
    public const string IdentityKindClaim = "federation:kind";
    public const string DivisionClaim = "federation:division";

    /// <summary>The caller, or an <see cref="RpcException"/> (UNAUTHENTICATED) saying why the credentials were refused.</summary>
    public async Task<Caller> AuthenticateAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var certificate = http.Connection.ClientCertificate;
        var authorization = context.RequestHeaders.GetValue("authorization");
        Caller caller;
        // A call a web page makes in process (Web/WebCalls): the page's signed-in account, looked up
        // again for this call (locked, cancelled or token revoked: refused at once). A gRPC request
        // can never carry it: user state is set on the server only.
        if (context.UserState.TryGetValue(Web.WebSession.UserStateKey, out var state) && state is Web.WebSession session)
        {
            return AccountCaller(accounts.Find(session.AccountId), session.AccountId, session.BindingProblem(accounts));
        }
        if (certificate is not null && authorization is not null)
        {
            throw Refused("present a client certificate or an API token, not both", Claimed(certificate));
        }
        if (certificate is not null)
        {
            var result = await http.AuthenticateAsync(CertificateAuthenticationDefaults.AuthenticationScheme);
            if (!result.Succeeded)
            {
                throw Refused($"the client certificate was not accepted: {result.Failure?.Message ?? "it is not from this deployment's CA"}", Claimed(certificate));
            }
            if (revocations.IsRevoked(certificate))
            {
                throw Refused("the client certificate has been revoked", Claimed(certificate));
            }
            var principal = result.Principal!;
            var id = principal.FindFirstValue(ClaimTypes.NameIdentifier)!;
            caller = principal.FindFirstValue(IdentityKindClaim) == nameof(IdentityKind.Node)
                ? new Caller(CallerKind.Node, id, principal.FindFirstValue(DivisionClaim), [])
                : AccountCaller(accounts.Find(id), id, account => account.CertificateSha256 is { } bound && bound == Thumbprint(certificate)
                    ? null
                    : $"account {id} is not bound to this certificate; an administrator binds it (fedctl accounts bind)");
        }
        else if (authorization is not null)
        {
            const string bearer = "Bearer ";
            if (!authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
            {
                throw Refused("the authorization header must be 'Bearer <token>'", "token");
            }
            var account = accounts.FindByToken(authorization[bearer.Length..].Trim());
            caller = AccountCaller(account, null, _ => null);
        }
        else
        {
            return Caller.Anonymous;
        }
        return caller;
    }

    /// <summary>
    /// The caller an account stands for, or <see cref="CredentialsRefusedException"/> saying why not
    /// (no such account, not bound to what was presented, locked, cancelled); records the account's use.
    /// The web sign-in and every web session check go through here too.
    /// </summary>
    internal Caller AccountCaller(Account? account, string? id, Func<Account, string?> bindingProblem)
    {
        if (account is null)
        {
            throw Refused(id is null ? "the API token is not valid" : $"there is no account {id} at {node.Id}", id is null ? "token" : "account:" + id);
        }
        var claimed = "account:" + account.Id;
        if (bindingProblem(account) is { } problem)
        {
            throw Refused(problem, claimed);
        }
        var now = time.GetUtcNow();
        var status = AccountStore.EffectiveStatus(account, now);
        accounts.Touch(account, now);
        return status switch
        {
            AccountStatus.Locked => throw Refused($"account {account.Id} is locked ({Reason(account, "unused for 30 days")}); an administrator can unlock it", claimed),
            AccountStatus.Cancelled => throw Refused($"account {account.Id} is cancelled ({Reason(account, "unused for 2 years")})", claimed),
            _ => Caller.ForAccount(account),
        };
    }

    // Who a refused certificate says it is, for the audit log (not trusted: it was refused).
    private static string Claimed(X509Certificate2 certificate) => CertificateIdentity.Read(certificate, out _) is { } identity
        ? $"{(identity.Kind == IdentityKind.Node ? "node" : "account")}:{identity.Id}"
        : "certificate";

    private static string Reason(Account account, string inactivity) => account.Status == AccountStatus.Active ? inactivity : account.StatusReason;

    public static string Thumbprint(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    private static CredentialsRefusedException Refused(string why, string claimed) => new(why, claimed);

    /// <summary>Registers certificate authentication against the deployment CA (<see cref="DeploymentAuthority"/>).</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme)
            .AddCertificate()
            // The chain is built once per certificate, not once per call.
            .AddCertificateCache(cache =>
            {
                cache.CacheSize = 4096;
                cache.CacheEntryExpiration = TimeSpan.FromMinutes(5);
            });
        services.AddOptions<CertificateAuthenticationOptions>(CertificateAuthenticationDefaults.AuthenticationScheme)
            .Configure<DeploymentAuthority>((options, deployment) =>
            {
                var authority = deployment.Certificate;
                options.AllowedCertificateTypes = CertificateTypes.Chained;
                options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                if (authority is not null)
                {
                    options.CustomTrustStore.Add(authority);
                }
                // Revocation is the deployment's CRL, checked on every call (not cached with the chain).
                options.RevocationMode = X509RevocationMode.NoCheck;
                options.ValidateCertificateUse = true;
                options.ValidateValidityPeriod = true;
                options.Events = new CertificateAuthenticationEvents
                {
                    OnCertificateValidated = context =>
                    {
                        if (authority is null)
                        {
                            context.Fail("this node has no CA configured (Security:CaPath or Server:Tls:ClientCaPath)");
                            return Task.CompletedTask;
                        }
                        var identity = CertificateIdentity.Read(context.ClientCertificate, out var problem);
                        if (identity is null)
                        {
                            context.Fail(problem!);
                            return Task.CompletedTask;
                        }
                        Claim[] claims =
                        [
                            new(ClaimTypes.NameIdentifier, identity.Id),
                            new(IdentityKindClaim, identity.Kind.ToString()),
                            .. identity.DivisionCode is { } division ? [new Claim(DivisionClaim, division)] : Array.Empty<Claim>(),
                        ];
                        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name));
                        context.Success();
                        return Task.CompletedTask;
                    },
                };
            });
    }
}

/// <summary>UNAUTHENTICATED: credentials were presented and refused; <see cref="Claimed"/> is who they claimed to be (for the audit log).</summary>
internal sealed class CredentialsRefusedException(string why, string claimed) : RpcException(new Status(StatusCode.Unauthenticated, why))
{
    public string Claimed { get; } = claimed;
}
