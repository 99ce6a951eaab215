using System.Collections.Frozen;

namespace Federation.Node.Security;

/// <summary>The roles an account can be granted for a post; docs/security.md says what each is for.</summary>
internal static class Roles
{
    public const string Verifier = "verifier";
    public const string Analyst = "analyst";
    public const string Operator = "operator";
    public const string Auditor = "auditor";
    public const string Administrator = "administrator";
    public const string Registrar = "registrar";

    public static readonly IReadOnlyList<string> All = [Verifier, Analyst, Operator, Auditor, Administrator, Registrar];

    /// <summary>
    /// Whether a role granted over <paramref name="scope"/> reaches <paramref name="division"/> (a
    /// GB/T 2260 code, or 000000 for the whole country): national covers everything; a scope that
    /// is no known division covers nothing.
    /// </summary>
    public static bool Covers(string scope, string division) =>
        scope == Federation.Standards.Jurisdiction.NationalCode
        || (division != Federation.Standards.Jurisdiction.NationalCode && OnBehalfOf.IsScope(scope)
            && Federation.Standards.DivisionTable.Default.JurisdictionOf(scope).Contains(division));
}

/// <summary>Over what a role must be granted for a call to be allowed.</summary>
internal enum ScopeRule
{
    /// <summary>Nothing to check (anonymous methods, node-to-node methods).</summary>
    None,

    /// <summary>The grant's jurisdiction must cover this node's whole jurisdiction.</summary>
    Node,

    /// <summary>
    /// The grant's jurisdiction must cover the record asked about (the certificate's issuing
    /// county); when the request does not say, as <see cref="Node"/>.
    /// </summary>
    Subject,
}

/// <summary>One row of the authorisation table.</summary>
/// <param name="Roles">Any of these roles allows the call (with <paramref name="Scope"/> satisfied).</param>
/// <param name="Scope">Over what the role must be granted.</param>
/// <param name="Anonymous">Anyone may call, authenticated or not.</param>
/// <param name="Parent">The configured parent node may call, as itself.</param>
/// <param name="Forwarded">The configured parent may call on behalf of its own caller who signed the call (docs/security.md, "Callers proven end to end"), whose roles are then checked here.</param>
/// <param name="Audited">Each call is written to the audit log.</param>
internal sealed record AccessRule(string[] Roles, ScopeRule Scope, bool Anonymous = false, bool Parent = false, bool Forwarded = false, bool Audited = true);

/// <summary>
/// Who may call what — the one authorisation table (method × role × jurisdiction), deny by
/// default: a method missing here is refused to everyone. docs/security.md shows the same table;
/// a test checks that every method the node serves has a row.
/// </summary>
internal static class AccessTable
{
    private static readonly string[] None = [];
    private static readonly string[] Staff = [Roles.Verifier, Roles.Analyst, Roles.Operator, Roles.Auditor, Roles.Administrator, Roles.Registrar];

    public static FrozenDictionary<string, AccessRule> Rules { get; } = new Dictionary<string, AccessRule>(StringComparer.Ordinal)
    {
        // The public authenticity check: anyone, rate-limited per client address.
        ["/federation.v1.Verification/PublicCheck"] = new(None, ScopeRule.None, Anonymous: true),
        // The parent may also ask as itself: it routes public checks down this way, and it holds a
        // copy of every record below it anyway.
        ["/federation.v1.Verification/VerifyCertificate"] = new([Roles.Verifier], ScopeRule.Subject, Parent: true, Forwarded: true),
        ["/federation.v1.Verification/VerifyPerson"] = new([Roles.Verifier], ScopeRule.Node, Forwarded: true),
        // Aggregates only; a parent compares its children's figures with its own.
        ["/federation.v1.Statistics/GetIndicators"] = new([Roles.Analyst, Roles.Operator], ScopeRule.Node, Parent: true),
        // Enterprise aggregates and named enterprises (no personal data).
        ["/federation.v1.Statistics/GetEnterpriseSummary"] = new([Roles.Analyst, Roles.Operator], ScopeRule.Node),
        ["/federation.v1.Admin/GetNodeStatus"] = new(Staff, ScopeRule.Node),
        ["/federation.v1.Admin/TriggerResync"] = new([Roles.Operator], ScopeRule.Node),
        ["/federation.v1.Admin/GetOperation"] = new([Roles.Operator], ScopeRule.Node),
        ["/federation.v1.Admin/ListFindings"] = new([Roles.Operator], ScopeRule.Node),
        ["/federation.v1.Ingest/Upload"] = new([Roles.Operator], ScopeRule.Node),
        // Node to node: only the configured parent's certificate.
        ["/federation.v1.Exchange/GetManifest"] = new(None, ScopeRule.None, Parent: true),
        ["/federation.v1.Exchange/StreamSnapshot"] = new(None, ScopeRule.None, Parent: true),
        ["/federation.v1.Exchange/GetAuditHead"] = new(None, ScopeRule.None, Parent: true),
        ["/federation.v1.Exchange/WatchAuditHead"] = new(None, ScopeRule.None, Parent: true),
        // The registration service (docs/registration.md): the national platform's front end submits
        // at the ministry, a local office decides and handles registrations at its city; each node
        // refuses what its level does not do. Personal data: registrars and operators only.
        ["/federation.v1.Registration/SubmitApplication"] = new([Roles.Registrar], ScopeRule.Node),
        ["/federation.v1.Registration/DecideApplication"] = new([Roles.Registrar], ScopeRule.Node),
        ["/federation.v1.Registration/RecordContact"] = new([Roles.Registrar], ScopeRule.Node),
        ["/federation.v1.Registration/RegisterLocally"] = new([Roles.Registrar], ScopeRule.Node),
        ["/federation.v1.Registration/RecordExit"] = new([Roles.Registrar], ScopeRule.Node),
        ["/federation.v1.Registration/ListApplications"] = new([Roles.Registrar, Roles.Operator], ScopeRule.Node),
        ["/federation.v1.Registration/CheckFeed"] = new([Roles.Operator, Roles.Auditor], ScopeRule.Node),
        // Node to node: the parent opens both streams on its child.
        ["/federation.v1.Registration/DeliverApplications"] = new(None, ScopeRule.None, Parent: true),
        ["/federation.v1.Registration/FollowChanges"] = new(None, ScopeRule.None, Parent: true),
        ["/federation.v1.Accounts/ListAccounts"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/GetAccount"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/CreateAccount"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/GrantRole"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/RevokeRole"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/TransferAccount"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/SetAccountStatus"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/BindCertificate"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/IssueToken"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Accounts/RevokeToken"] = new([Roles.Administrator], ScopeRule.Node),
        ["/federation.v1.Audit/ReadAudit"] = new([Roles.Auditor], ScopeRule.Node),
        ["/federation.v1.Audit/VerifyAudit"] = new([Roles.Auditor], ScopeRule.Node),
        // Closes a child's witness break on this (parent) node, with a reason kept beside it.
        ["/federation.v1.Audit/AcknowledgeWitnessBreak"] = new([Roles.Auditor], ScopeRule.Node),
        // The web pages' sign-in (docs/web.md): anyone may try, throttled and audited like a token
        // sign-in. Every other page performs one of the RPCs above, through the interceptor.
        ["/federation.web.Session/SignIn"] = new(None, ScopeRule.None, Anonymous: true),
        // Health and reflection describe the service, never its data: open, and not audited.
        ["/grpc.health.v1.Health/Check"] = new(None, ScopeRule.None, Anonymous: true, Audited: false),
        ["/grpc.health.v1.Health/Watch"] = new(None, ScopeRule.None, Anonymous: true, Audited: false),
        ["/grpc.health.v1.Health/List"] = new(None, ScopeRule.None, Anonymous: true, Audited: false),
        ["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = new(None, ScopeRule.None, Anonymous: true, Audited: false),
        ["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = new(None, ScopeRule.None, Anonymous: true, Audited: false),
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
