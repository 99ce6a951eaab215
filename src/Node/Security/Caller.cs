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
    /// The headers for calling a child on behalf of <paramref name="caller"/> (this node's own
    /// caller, or the one its parent forwarded), or none when the call is not made for an account.
    /// </summary>
    public static Grpc.Core.Metadata? For(Caller? caller, string thisNodeId)
    {
        if (caller is null)
        {
            return null;
        }
        if (caller.OnBehalfOf is { } original)
        {
            return new Grpc.Core.Metadata { { Header, original }, { GrantsHeader, FormatGrants(caller.ForwardedGrants) } };
        }
        return caller.Kind == CallerKind.Account
            ? new Grpc.Core.Metadata { { Header, $"{caller.Id}@{thisNodeId}" }, { GrantsHeader, FormatGrants(caller.Grants) } }
            : null;
    }
}
