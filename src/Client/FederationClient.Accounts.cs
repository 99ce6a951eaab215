using Federation.Protocol.V1;

namespace Federation.Client;

// The calls of the accounts service (administrators).
public sealed partial class FederationClient
{
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

    private Accounts.AccountsClient Accounts => new(_channel);
}
