using Federation.Node.Security;
using Federation.Testing;
using Google.Protobuf.Reflection;
using Xunit;

namespace Federation.Node.Tests.Security;

/// <summary>
/// The authorisation table (<see cref="AccessTable"/>) on its own, without a node: a row for every
/// method the node serves and for nothing else (a method missing is refused to everyone, so a
/// missing row is an outage and an extra one a hole); each row as docs/security.md prints it; the
/// shapes a row may have; and the rules its scopes and forwarded grants are read by. The real
/// interceptor applying it to 19 kinds of caller is <c>Federation.Tests.Security.AuthorizationMatrixTests</c>.
/// </summary>
public sealed class AccessTableTests
{
    private static readonly ServiceDescriptor[] OwnServices =
    [
        Protocol.V1.Verification.Descriptor, Protocol.V1.Statistics.Descriptor, Protocol.V1.Admin.Descriptor, Protocol.V1.Ingest.Descriptor,
        Protocol.V1.Exchange.Descriptor, Protocol.V1.Registration.Descriptor, Protocol.V1.Accounts.Descriptor, Protocol.V1.Audit.Descriptor,
    ];

    // The standard services the node serves beside its own: health (grpc.health.v1) and reflection (v1 and v1alpha).
    private static readonly string[] StandardMethods =
    [
        "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch", "/grpc.health.v1.Health/List",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ];

    public static TheoryData<string> Methods => [.. AccessTable.Rules.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void Rules_NameEveryMethodTheNodeServes_AndNoOther()
    {
        // Arrange
        // The web pages' own action (docs/web.md): signing in, the one page action that is no RPC.
        var served = OwnServices.SelectMany(s => s.Methods).Select(m => $"/{m.Service.FullName}/{m.Name}").Concat(StandardMethods)
            .Append(Federation.Node.Web.WebSignIn.Method).ToHashSet(StringComparer.Ordinal);

        // Act
        var missing = served.Except(AccessTable.Rules.Keys).Order(StringComparer.Ordinal).ToList();
        var extra = AccessTable.Rules.Keys.Except(served).Order(StringComparer.Ordinal).ToList();

        // Assert
        Assert.True(missing.Count == 0, "served but refused to everyone (no row): " + string.Join(", ", missing));
        Assert.True(extra.Count == 0, "a row for a method nobody serves: " + string.Join(", ", extra));
    }

    [Theory]
    [InlineData("/federation.v1.Admin/DropEverything")]
    [InlineData("/federation.v1.admin/GetNodeStatus")]
    [InlineData("federation.v1.Admin/GetNodeStatus")]
    [InlineData("/federation.v1.Admin/GetNodeStatus/")]
    [InlineData("/federation.v2.Admin/GetNodeStatus")]
    [InlineData("/Admin/GetNodeStatus")]
    [InlineData("")]
    public void UnknownMethod_HasNoRule_SoTheInterceptorRefusesIt(string method)
    {
        // The interceptor refuses a call whose method has no row (PERMISSION_DENIED, "nobody may
        // call it"); the look-up is exact: no case folding, no prefix, no other version.
        Assert.Null(AccessTable.Rules.GetValueOrDefault(method));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Rule_HasOneOfTheAllowedShapes(string method)
    {
        var rule = AccessTable.Rules[method];

        Assert.All(rule.Roles, role => Assert.Contains(role, Roles.All));
        Assert.Equal(rule.Roles.Length, rule.Roles.Distinct().Count());
        if (rule.Anonymous)
        {
            // Open to anyone: nothing to check, nobody's roles asked for.
            Assert.Empty(rule.Roles);
            Assert.Equal(ScopeRule.None, rule.Scope);
            Assert.False(rule.Parent || rule.Forwarded, "an open method needs no parent or forwarding rule");
        }
        else if (rule.Roles.Length == 0)
        {
            // Node to node: the configured parent's own certificate only.
            Assert.True(rule.Parent, $"{method} has no role and is not open: nobody could call it");
            Assert.Equal(ScopeRule.None, rule.Scope);
            Assert.False(rule.Forwarded);
        }
        else
        {
            // An account's role, over a jurisdiction.
            Assert.NotEqual(ScopeRule.None, rule.Scope);
        }
        // Only the calls that describe the service (health, reflection) go unaudited.
        Assert.Equal(!method.StartsWith("/grpc.", StringComparison.Ordinal), rule.Audited);
        Assert.Equal(method.StartsWith("/grpc.", StringComparison.Ordinal), !rule.Audited && rule.Anonymous);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void PersonalDataAndNodeToNodeMethods_AreNeverOpen(string method)
    {
        var rule = AccessTable.Rules[method];
        // Signing in on the web pages is open as the token sign-in is: it is how an account proves itself.
        var open = method is "/federation.v1.Verification/PublicCheck" or Federation.Node.Web.WebSignIn.Method || method.StartsWith("/grpc.", StringComparison.Ordinal);

        Assert.Equal(open, rule.Anonymous);
        // The registrar's role is for the registration service (and the status page, every role's).
        if (rule.Roles.Contains(Roles.Registrar))
        {
            Assert.True(method.StartsWith("/federation.v1.Registration/", StringComparison.Ordinal) || method == "/federation.v1.Admin/GetNodeStatus",
                $"{method} is open to registrars, whose role is the registration service");
        }
    }

    [Fact]
    public void Rules_AreTheTableDocsSecurityPrints()
    {
        // Arrange: docs/security.md, "The authorisation table"
        var rows = DocumentedRows();
        var documented = new Dictionary<string, DocumentedRow>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            foreach (var item in row.Methods)
            {
                var matched = AccessTable.Rules.Keys.Where(key => item.EndsWith('*') ? Short(key).StartsWith(item[..^1], StringComparison.Ordinal) : Short(key) == item).ToList();
                Assert.True(matched.Count > 0, $"docs/security.md names {item}, which is in no row of AccessTable");
                foreach (var key in matched)
                {
                    Assert.True(documented.TryAdd(key, row), $"docs/security.md lists {key} twice");
                }
            }
        }

        // Act / Assert: every row, as printed
        foreach (var (method, rule) in AccessTable.Rules)
        {
            Assert.True(documented.TryGetValue(method, out var row), $"{method} is missing from docs/security.md's authorisation table");
            Assert.True(row.Roles.Order().SequenceEqual(rule.Roles.Order()), $"{method}: the docs say roles [{string.Join(", ", row.Roles)}], the table [{string.Join(", ", rule.Roles)}]");
            Assert.True(row.Anonymous == rule.Anonymous, $"{method}: open to anyone in the docs {row.Anonymous}, in the table {rule.Anonymous}");
            Assert.True(row.Audited == rule.Audited, $"{method}: audited in the docs {row.Audited}, in the table {rule.Audited}");
            Assert.True(row.Parent == rule.Parent, $"{method}: the parent as itself in the docs {row.Parent}, in the table {rule.Parent}");
            Assert.True(row.Forwarded == rule.Forwarded, $"{method}: forwarded in the docs {row.Forwarded}, in the table {rule.Forwarded}");
            Assert.True(row.Scope is null || row.Scope == rule.Scope, $"{method}: jurisdiction {row.Scope} in the docs, {rule.Scope} in the table");
        }
    }

    [Theory]
    [InlineData("000000", "440106", true)] // national covers every division
    [InlineData("000000", "000000", true)]
    [InlineData("440000", "440106", true)] // a province covers its cities' districts
    [InlineData("440100", "440106", true)] // a city covers its districts
    [InlineData("440100", "440100", true)]
    [InlineData("440100", "440300", false)] // not another city
    [InlineData("440106", "440100", false)] // a district does not cover its city
    [InlineData("440000", "000000", false)] // nor a province the whole country
    [InlineData("999999", "440106", false)] // a scope that is no division covers nothing
    [InlineData("", "440106", false)]
    public void Covers_IsTheScopesJurisdiction(string scope, string division, bool covers) =>
        Assert.Equal(covers, Roles.Covers(scope, division));

    [Fact]
    public void ForwardedGrants_FormatThenParse_GiveEveryGrantBack()
    {
        // Arrange: every role over the country, a province and a city
        var grants = Roles.All.SelectMany(role => new[] { (role, "000000"), (role, "440000"), (role, "440100") }).ToList();

        // Act
        var parsed = OnBehalfOf.ParseGrants(OnBehalfOf.FormatGrants(grants));

        // Assert
        Assert.Equal(grants, parsed);
        Assert.Empty(OnBehalfOf.ParseGrants("")!);
    }

    [Theory]
    [InlineData("superuser:000000")] // no such role
    [InlineData("verifier:999999")] // no such division
    [InlineData("verifier")] // no scope
    [InlineData(":440100")]
    [InlineData("verifier:440100,operator:44")]
    public void ForwardedGrants_Malformed_AreRefusedWhole(string header) =>
        Assert.Null(OnBehalfOf.ParseGrants(header));

    private static string Short(string method) =>
        method.StartsWith("/federation.v1.", StringComparison.Ordinal) ? method["/federation.v1.".Length..] : method[1..];

    private sealed record DocumentedRow(string[] Methods, string[] Roles, bool Anonymous, bool Audited, bool Parent, bool Forwarded, ScopeRule? Scope);

    // The rows of the table under "| Method | Roles |": methods in backticks (a name without a
    // service takes the previous one's; `X/*` is every method of X), then roles, jurisdiction,
    // the parent as itself, forwarded.
    private static List<DocumentedRow> DocumentedRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "security.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("| Method | Roles |", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/security.md has no authorisation table (| Method | Roles | …)");
        var rows = new List<DocumentedRow>();
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var methods = new List<string>();
            var service = "";
            foreach (var item in System.Text.RegularExpressions.Regex.Matches(cells[0], "`([^`]+)`").Select(m => m.Groups[1].Value))
            {
                var slash = item.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0)
                {
                    service = item[..(slash + 1)];
                    methods.Add(item);
                }
                else
                {
                    methods.Add(item.EndsWith('*') && item.Contains('.', StringComparison.Ordinal) ? item : service + item);
                }
            }
            var roles = cells[1];
            var anonymous = roles.StartsWith("anyone", StringComparison.Ordinal);
            var named = roles.StartsWith("any role", StringComparison.Ordinal)
                ? [.. Federation.Node.Security.Roles.All]
                : Federation.Node.Security.Roles.All.Where(r => System.Text.RegularExpressions.Regex.IsMatch(roles, $@"\b{r}\b")).ToArray();
            ScopeRule? scope = cells.Length < 3 ? null
                : cells[2] == "—" ? ScopeRule.None
                : cells[2].Contains("issuing county", StringComparison.Ordinal) ? ScopeRule.Subject
                : ScopeRule.Node;
            var parent = cells.Length > 3 && (cells[3] == "yes" || cells[3].Contains("configured parent", StringComparison.Ordinal));
            var forwarded = cells.Length > 4 && cells[4] == "yes";
            rows.Add(new DocumentedRow([.. methods], named, anonymous, !roles.Contains("not audited", StringComparison.Ordinal), parent, forwarded, scope));
        }
        return rows;
    }
}
