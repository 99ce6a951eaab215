using System.CommandLine;
using Federation.Node.Security;
using Federation.Shared;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Security;

namespace Federation.Node.Commands;

/// <summary>
/// <c>accounts add</c>: bootstrap accounts on the node's own machine (the first administrator, or
/// recovery). Everything else about accounts goes through the node (<c>fedctl accounts</c>),
/// authorised and audited.
/// </summary>
internal static class AccountsCommands
{
    public static Command Create(Option<FileInfo> configOption)
    {
        var idOption = new Option<string>("--id") { Description = "The account id (its certificate names it).", Required = true };
        var nameOption = new Option<string>("--name") { Description = "The holder's name as staff records give it.", Required = true };
        var postOption = new Option<string>("--post") { Description = "The post the roles are granted for (R-19).", Required = true };
        var certificateOption = new Option<FileInfo?>("--certificate") { Description = "The account's PEM certificate (Federation.Node pki account) to bind it to." };
        var roleOption = new Option<string[]>("--role") { Description = "role[:scope], repeat: verifier, analyst, operator, auditor, administrator; scope defaults to the node's division.", Required = true };
        var tokenOption = new Option<bool>("--token") { Description = "Also issue an API token for the account and print it (once)." };
        var add = new Command("add", "Create an account directly in this node's security database — the first administrator, or recovery; otherwise use fedctl accounts.")
        {
            idOption, nameOption, postOption, certificateOption, roleOption, tokenOption,
        };
        add.SetAction((parse, _) => CommandRunner.WithConfig(parse, configOption, config => AddAccount(config,
            parse.GetRequiredValue(idOption), parse.GetRequiredValue(nameOption), parse.GetRequiredValue(postOption), parse.GetValue(certificateOption)?.FullName,
            parse.GetRequiredValue(roleOption), parse.GetValue(tokenOption))));
        return new Command("accounts", "Bootstrap accounts on the node's own machine.") { add };
    }

    /// <summary>
    /// Creates an account directly in the node's security database (the first administrator, or
    /// recovery; <c>Federation.Node accounts add</c>). The demo makes its <c>demo-operator</c> here too,
    /// with <paramref name="output"/> <see cref="TextWriter.Null"/> (problems still go to standard error).
    /// </summary>
    public static int AddAccount(NodeConfiguration config, string id, string name, string post, string? certificatePath, IReadOnlyList<string> roles, bool issueToken,
        TextWriter? output = null)
    {
        output ??= Console.Out;
        string? thumbprint = null;
        if (certificatePath is not null)
        {
            using var certificate = CertificateAuthority.LoadPem(certificatePath);
            if (CertificateIdentity.Read(certificate, out var problem) is not { Kind: IdentityKind.Account } identity || identity.Id != id)
            {
                Console.Error.WriteLine($"{certificatePath} does not name account {id}{(problem is null ? "" : ": " + problem)}.");
                return 1;
            }
            using var authority = config.SecurityPaths.CaPath is { } ca ? CertificateAuthority.LoadPem(ca) : null;
            var revocations = new RevocationList(config.SecurityPaths, authority, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RevocationList>.Instance);
            if (AccountsService.UnusableProblem(certificate, DateTimeOffset.UtcNow, revocations) is { } unusable)
            {
                Console.Error.WriteLine($"{certificatePath}: {unusable}.");
                return 1;
            }
            thumbprint = CallerAuthenticator.Thumbprint(certificate);
        }
        var grants = new List<(string Role, string Scope)>();
        foreach (var text in roles)
        {
            var parts = text.Split(':', 2);
            var scope = parts.Length == 2 ? parts[1] : config.Node.DivisionCode;
            if (!Roles.All.Contains(parts[0]) || (scope != Jurisdiction.NationalCode && DivisionTable.Default.Find(scope) is null))
            {
                Console.Error.WriteLine($"--role {text}: give role[:scope], role one of {string.Join(", ", Roles.All)}, scope a GB/T 2260 code (default: the node's {config.Node.DivisionCode}).");
                return 2;
            }
            grants.Add((parts[0], scope));
        }
        using var accounts = AccountStore.Open(config.SecurityPaths.DatabasePath);
        try
        {
            var account = accounts.Create(AccountsService.CheckIdOrThrow(id), name, post, thumbprint, grants, "local:" + Environment.UserName, DateTimeOffset.UtcNow);
            output.WriteLine($"Account {account.Id} created at {config.Node.Id}: {string.Join(", ", account.Grants.Select(g => $"{g.Role} over {g.Scope}"))}" +
                              (thumbprint is null && !issueToken ? "; bind a certificate (fedctl accounts bind) or issue a token (fedctl accounts token) before it can sign in." : "."));
            if (issueToken)
            {
                // Shown once: only its digest is kept.
                output.WriteLine($"API token (shown once; give it as fedctl --token or FEDCTL_TOKEN): {accounts.IssueToken(account.Id)}");
            }
            return 0;
        }
        catch (StoreException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }
}
