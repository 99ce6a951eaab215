using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Shared;
using Federation.Store;
using Federation.Store.Security;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Node.Security;

/// <summary><c>federation.v1.Accounts</c>: administrators manage this node's personal accounts (R-19).</summary>
internal sealed partial class AccountsService(AccountStore accounts, NodeIdentity node, RevocationList revocations, TimeProvider time) : Protocol.V1.Accounts.AccountsBase
{
    public override Task<ListAccountsResponse> ListAccounts(ListAccountsRequest request, ServerCallContext context)
    {
        var response = new ListAccountsResponse();
        var now = time.GetUtcNow();
        response.Accounts.AddRange(accounts.List().Select(a => ToProto(a, now)));
        return Task.FromResult(response);
    }

    public override Task<AccountInfo> GetAccount(AccountRequest request, ServerCallContext context) =>
        Answer(() => accounts.Find(request.Id) ?? throw new NotFoundException($"there is no account {request.Id} at {node.Id}"));

    public override Task<AccountInfo> CreateAccount(CreateAccountRequest request, ServerCallContext context) => Answer(() =>
    {
        var id = CheckId(request.Id);
        if (string.IsNullOrWhiteSpace(request.DisplayName) || string.IsNullOrWhiteSpace(request.Post))
        {
            throw Invalid("display_name and post are required: an account is personal and its roles go with a post (R-19)");
        }
        var thumbprint = request.CertificatePem.Length == 0 ? null : CertificateFor(id, request.CertificatePem);
        var grants = request.Grants.Select(g => CheckGrant(g.Role, g.Scope, context)).ToList();
        return accounts.Create(id, request.DisplayName.Trim(), request.Post.Trim(), thumbprint, grants, By(context), time.GetUtcNow());
    });

    public override Task<AccountInfo> GrantRole(GrantRoleRequest request, ServerCallContext context) => Answer(() =>
    {
        var (role, scope) = CheckGrant(request.Grant?.Role ?? "", request.Grant?.Scope ?? "", context);
        return accounts.Grant(request.Id, role, scope, By(context), time.GetUtcNow());
    });

    public override Task<AccountInfo> RevokeRole(RevokeRoleRequest request, ServerCallContext context) => Answer(() =>
    {
        if (!Roles.All.Contains(request.Role))
        {
            throw Invalid($"role '{request.Role}' is not a role; roles: {string.Join(", ", Roles.All)}");
        }
        return accounts.Revoke(request.Id, request.Role, request.Scope.Length == 0 ? null : request.Scope);
    });

    public override Task<AccountInfo> TransferAccount(TransferAccountRequest request, ServerCallContext context) => Answer(() =>
        string.IsNullOrWhiteSpace(request.NewPost) ? throw Invalid("new_post is required") : accounts.Transfer(request.Id, request.NewPost.Trim()));

    public override Task<AccountInfo> SetAccountStatus(SetAccountStatusRequest request, ServerCallContext context) => Answer(() =>
    {
        var status = request.Status switch
        {
            "active" => AccountStatus.Active,
            "locked" => AccountStatus.Locked,
            "cancelled" => AccountStatus.Cancelled,
            _ => throw Invalid($"status '{request.Status}' must be active, locked or cancelled"),
        };
        return accounts.SetStatus(request.Id, status, request.Reason.Length == 0 ? $"set by {By(context)}" : request.Reason, time.GetUtcNow());
    });

    public override Task<AccountInfo> BindCertificate(BindCertificateRequest request, ServerCallContext context) =>
        Answer(() => accounts.BindCertificate(request.Id, CertificateFor(request.Id, request.CertificatePem)));

    public override Task<IssueTokenResponse> IssueToken(AccountRequest request, ServerCallContext context)
    {
        try
        {
            return Task.FromResult(new IssueTokenResponse { Token = accounts.IssueToken(request.Id) });
        }
        catch (StoreException ex)
        {
            throw Missing(ex);
        }
    }

    public override Task<AccountInfo> RevokeToken(AccountRequest request, ServerCallContext context) => Answer(() => accounts.RevokeToken(request.Id));

    private Task<AccountInfo> Answer(Func<Account> action)
    {
        try
        {
            return Task.FromResult(ToProto(action(), time.GetUtcNow()));
        }
        catch (StoreException ex)
        {
            throw Missing(ex);
        }
    }

    private static DomainException Missing(StoreException ex) =>
        ex.Message.StartsWith("there is no account", StringComparison.Ordinal) ? new NotFoundException(ex.Message) : new PreconditionFailedException(ex.Message);

    internal static AccountInfo ToProto(Account account, DateTimeOffset now)
    {
        var info = new AccountInfo
        {
            Id = account.Id,
            DisplayName = account.DisplayName,
            Post = account.Post,
            Status = AccountStore.EffectiveStatus(account, now).ToString().ToLowerInvariant(),
            StatusReason = account.StatusReason,
            CertificateSha256 = account.CertificateSha256 ?? "",
            HasToken = account.HasToken,
            CreatedAt = Timestamp.FromDateTimeOffset(account.CreatedAt),
            LastUsedAt = Timestamp.FromDateTimeOffset(account.LastUsedAt),
        };
        info.Grants.AddRange(account.Grants.Select(g => new RoleGrant { Role = g.Role, Scope = g.Scope, GrantedAt = Timestamp.FromDateTimeOffset(g.GrantedAt), GrantedBy = g.GrantedBy }));
        return info;
    }

    // An administrator grants roles only over what their own administrator role covers: one
    // over Guangzhou cannot make a national verifier.
    private (string Role, string Scope) CheckGrant(string role, string scope, ServerCallContext context)
    {
        if (!Roles.All.Contains(role))
        {
            throw Invalid($"role '{role}' is not a role; roles: {string.Join(", ", Roles.All)}");
        }
        scope = scope.Length == 0 ? node.DivisionCode : scope;
        if (!OnBehalfOf.IsScope(scope))
        {
            throw Invalid($"scope '{scope}' is not a GB/T 2260 division code (000000 is national)");
        }
        if (context.UserState.TryGetValue(Caller.UserStateKey, out var state) && state is Caller { Kind: CallerKind.Account } granter
            && !granter.Grants.Any(g => g.Role == Roles.Administrator && Roles.Covers(g.Scope, scope)))
        {
            throw new PermissionRefusedException(
                $"account {granter.Id} administers {string.Join(", ", granter.Grants.Where(g => g.Role == Roles.Administrator).Select(g => g.Scope))}; it cannot grant a role over {scope}");
        }
        return (role, scope);
    }

    internal static string CheckId(string id) =>
        AccountId().IsMatch(id) ? id : throw Invalid($"account id '{id}' must be 1–64 letters, digits, '.', '-' or '_'");

    /// <summary>As <see cref="CheckId"/>, for the command line.</summary>
    internal static string CheckIdOrThrow(string id) =>
        AccountId().IsMatch(id) ? id : throw new ArgumentException($"account id '{id}' must be 1–64 letters, digits, '.', '-' or '_'");

    // The certificate must be from this deployment's CA's hands, name this very account and be
    // usable now: binding one that is expired, not yet valid or revoked is refused at once rather
    // than leaving an account that cannot sign in.
    private string CertificateFor(string id, string pem)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw Invalid($"certificate_pem is not a PEM certificate: {ex.Message}");
        }
        using (certificate)
        {
            var identity = CertificateIdentity.Read(certificate, out var problem);
            if (identity is not { Kind: IdentityKind.Account } || identity.Id != id)
            {
                throw Invalid($"the certificate does not name account {id}: {problem ?? $"it names {identity!.Kind.ToString().ToLowerInvariant()} {identity.Id}"}");
            }
            if (UnusableProblem(certificate, time.GetUtcNow(), revocations) is { } unusable)
            {
                throw Invalid($"certificate_pem: {unusable}");
            }
            return CallerAuthenticator.Thumbprint(certificate);
        }
    }

    /// <summary>
    /// Why a certificate cannot be bound to an account now (expired, not yet valid, revoked by the
    /// deployment's CRL), or null; the same words for fedctl and for the node's <c>accounts add</c>.
    /// </summary>
    internal static string? UnusableProblem(X509Certificate2 certificate, DateTimeOffset now, RevocationList revocations)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (now < notBefore)
        {
            return $"the certificate is not valid yet (valid from {notBefore:yyyy-MM-dd HH:mm:ss} UTC); bind it once it is, or issue one valid now (pki account)";
        }
        if (now > notAfter)
        {
            return $"the certificate expired on {notAfter:yyyy-MM-dd HH:mm:ss} UTC; issue a new one (pki account) and bind that";
        }
        if (revocations.IsRevoked(certificate))
        {
            return $"the certificate (serial {Pki.SerialHex(certificate)}) has been revoked by the CA's revocation list; issue a new one (pki account) and bind that";
        }
        return null;
    }

    private static string By(ServerCallContext context) =>
        context.UserState.TryGetValue(Caller.UserStateKey, out var caller) && caller is Caller c ? c.AuditName : "local";

    private static InvalidRequestException Invalid(string why) => RequestFields.Invalid(why);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex AccountId();
}
