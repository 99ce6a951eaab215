using Federation.Store.Security;

namespace Federation.Node.Security;

/// <summary>Who is calling, as authenticated for this call.</summary>
internal enum CallerKind
{
    Anonymous,
    Account,
    Node,
}

/// <summary>
/// The authenticated caller of one call: anonymous, an account (with its grants), or a node (with
/// its division). A call forwarded by the parent carries the original caller in
/// <see cref="OnBehalfOf"/>; its grants are what the call is authorised by.
/// </summary>
internal sealed record Caller(CallerKind Kind, string Id, string? DivisionCode, IReadOnlyList<(string Role, string Scope)> Grants)
{
    public static readonly Caller Anonymous = new(CallerKind.Anonymous, "", null, []);

    /// <summary>The original caller of a forwarded call: <c>&lt;account&gt;@&lt;node that authenticated them&gt;</c>.</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>The original caller's grants, as the forwarding node asserted them.</summary>
    public IReadOnlyList<(string Role, string Scope)> ForwardedGrants { get; init; } = [];

    /// <summary>
    /// The original caller's signature of this call, verified here (docs/security.md, "Callers proven
    /// end to end"): at the entry node, a caller who signed; at a node the call was forwarded to, always.
    /// </summary>
    public CallerSignature? Signature { get; init; }

    /// <summary>
    /// How the audit log names the original caller of a forwarded call: <c>&lt;account&gt;@&lt;node&gt;</c>,
    /// then the certificate whose signature proved it (<c>signed:</c> and the first 16 hex digits of
    /// its SHA-256, or <c>unproven</c> for a refused call) and the grants the forwarding node asserted.
    /// </summary>
    public string AuditOnBehalfOf => OnBehalfOf is null ? ""
        : $"{OnBehalfOf} {(Signature is { } signature ? "signed:" + signature.Thumbprint[..16] : "unproven")} grants:{Federation.Node.Security.OnBehalfOf.FormatGrants(ForwardedGrants)}";

    /// <summary>Credentials presented and refused: who they claimed to be (the caller stays anonymous).</summary>
    public string? Refused { get; init; }

    /// <summary>How the audit log names the caller.</summary>
    public string AuditName => Kind switch
    {
        CallerKind.Account => "account:" + Id,
        CallerKind.Node => "node:" + Id,
        _ => Refused is null ? "anonymous" : "refused:" + Refused,
    };

    public static Caller ForAccount(Account account) =>
        new(CallerKind.Account, account.Id, null, [.. account.Grants.Select(g => (g.Role, g.Scope))]);

    /// <summary>The key under which the interceptor leaves the caller for the services (<c>ServerCallContext.UserState</c>).</summary>
    public const string UserStateKey = "federation.caller";
}

/// <summary>The metadata a parent sends with a forwarded call, naming the caller it acts for.</summary>
internal static class OnBehalfOf
{
    /// <summary><c>&lt;account&gt;@&lt;node&gt;</c> of the original caller.</summary>
    public const string Header = "federation-on-behalf-of";

    /// <summary>The original caller's grants: <c>role:scope</c>, comma-separated.</summary>
    public const string GrantsHeader = "federation-on-behalf-of-grants";

    public static string FormatGrants(IEnumerable<(string Role, string Scope)> grants) =>
        string.Join(',', grants.Select(g => $"{g.Role}:{g.Scope}"));

    public static IReadOnlyList<(string Role, string Scope)>? ParseGrants(string text)
    {
        var grants = new List<(string, string)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !Roles.All.Contains(part[..colon]) || !IsScope(part[(colon + 1)..]))
            {
                return null;
            }
            grants.Add((part[..colon], part[(colon + 1)..]));
        }
        return grants;
    }

    /// <summary>A jurisdiction a role can be granted over: 000000 (national) or a GB/T 2260 code.</summary>
    public static bool IsScope(string code) =>
        code == Federation.Standards.Jurisdiction.NationalCode || (code.Length == 6 && Federation.Standards.DivisionTable.Default.Find(code) is not null);

    /// <summary>
    /// How a node calls a child's <paramref name="childMethod"/> for the call it is serving
    /// (<paramref name="callerMethod"/>, from <paramref name="caller"/>): on behalf of the original
    /// caller — the headers, with the caller's signature passed on unchanged — only when the caller
    /// signed this very method; otherwise as this node itself when the child serves its parent that
    /// method (<c>Headers</c> null), else not at all (<c>NotForwarded</c> says why): an API token or a
    /// client that does not sign is trusted by its entry node only, which may not lend it to a child.
    /// </summary>
    public static (Grpc.Core.Metadata? Headers, string? NotForwarded) For(Caller? caller, string thisNodeId, string callerMethod, string childMethod)
    {
        if (caller is null || caller.Kind == CallerKind.Anonymous || (caller.Kind == CallerKind.Node && caller.OnBehalfOf is null))
        {
            return (null, null);
        }
        if (caller.Signature is { } signature && callerMethod == childMethod)
        {
            var original = caller.OnBehalfOf ?? $"{caller.Id}@{thisNodeId}";
            var grants = caller.OnBehalfOf is null ? caller.Grants : caller.ForwardedGrants;
            return (new Grpc.Core.Metadata
            {
                { Header, original },
                { GrantsHeader, FormatGrants(grants) },
                { Federation.Shared.CallerProof.Header, signature.Value },
                { Federation.Shared.CallerProof.CertificateHeader, signature.Certificate },
            }, null);
        }
        return AccessTable.Rules.TryGetValue(childMethod, out var rule) && rule.Parent
            ? (null, null)
            : (null, $"the call is not signed by its caller (an API token, or a client that does not sign), so {thisNodeId} does not forward it on the caller's behalf");
    }
}
