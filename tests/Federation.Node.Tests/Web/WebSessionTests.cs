using Federation.Node.Web;
using Federation.Store.Security;
using Federation.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Web;

/// <summary>
/// A web session's rules on a fake clock (docs/web.md): it ends after its lifetime however busy,
/// its cookie carries nothing but the account, a stamp of the token and the time, and revoking or
/// replacing the token it was opened with ends it.
/// </summary>
public sealed class WebSessionTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private readonly TempDirectory _directory = new();

    [Fact]
    public void A_session_ends_after_its_lifetime_on_the_nodes_clock()
    {
        var session = new WebSession("clerk.li", "ABC", _time.GetUtcNow());
        var lifetime = TimeSpan.FromHours(8);
        Assert.False(session.Expired(_time.GetUtcNow(), lifetime));
        _time.Advance(TimeSpan.FromHours(8) - TimeSpan.FromSeconds(1));
        Assert.False(session.Expired(_time.GetUtcNow(), lifetime));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(session.Expired(_time.GetUtcNow(), lifetime));
        // A session that claims to start well in the future is not taken either.
        Assert.True(new WebSession("clerk.li", "ABC", _time.GetUtcNow().AddHours(1)).Expired(_time.GetUtcNow(), lifetime));
    }

    [Fact]
    public void The_cookie_holds_the_account_a_stamp_and_the_time_only()
    {
        var session = new WebSession("clerk.li", WebSession.Stamp(AccountStore.Digest("fed_secret")), _time.GetUtcNow());
        var principal = session.ToPrincipal();
        Assert.Equal(session, WebSession.FromPrincipal(principal));
        var values = principal.Claims.Select(c => c.Value).ToList();
        Assert.DoesNotContain(values, v => v.Contains("fed_secret", StringComparison.Ordinal) || v.Contains(AccountStore.Digest("fed_secret"), StringComparison.Ordinal));
        Assert.Null(WebSession.FromPrincipal(new System.Security.Claims.ClaimsPrincipal()));
    }

    [Fact]
    public void Revoking_or_replacing_the_token_ends_the_session()
    {
        using var accounts = AccountStore.Open(_directory.File("security.db"), _time);
        accounts.Create("clerk.li", "李", "窗口", null, [("verifier", "440100")], "test", _time.GetUtcNow());
        var token = accounts.IssueToken("clerk.li");
        var session = new WebSession("clerk.li", WebSession.Stamp(AccountStore.Digest(token)), _time.GetUtcNow());
        Assert.Null(session.BindingProblem(accounts)(accounts.Find("clerk.li")!));

        accounts.IssueToken("clerk.li");
        Assert.Contains("revoked or replaced", session.BindingProblem(accounts)(accounts.Find("clerk.li")!));

        var again = accounts.IssueToken("clerk.li");
        session = session with { TokenStamp = WebSession.Stamp(AccountStore.Digest(again)) };
        Assert.Null(session.BindingProblem(accounts)(accounts.Find("clerk.li")!));
        accounts.RevokeToken("clerk.li");
        Assert.NotNull(session.BindingProblem(accounts)(accounts.Find("clerk.li")!));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8443", "https://host:port")]
    [InlineData("https://127.0.0.1:7000", "same port as Server:Listen")]
    [InlineData("https://127.0.0.1:8443/web", "https://host:port")]
    public void A_web_address_must_be_https_on_a_port_of_its_own(string listen, string problem)
    {
        var options = new WebOptions { Listen = listen };
        Assert.Contains(options.Problems("https://127.0.0.1:7000", serverHasTls: true), p => p.Contains(problem, StringComparison.Ordinal) && p.Contains("Web:Listen", StringComparison.Ordinal));
        Assert.Empty(new WebOptions { Listen = "https://0.0.0.0:8443" }.Problems("https://127.0.0.1:7000", serverHasTls: true));
        Assert.Empty(new WebOptions().Problems("http://127.0.0.1:7000", serverHasTls: false));
        Assert.Contains(new WebOptions { Listen = "https://0.0.0.0:8443" }.Problems("http://127.0.0.1:7000", serverHasTls: false), p => p.Contains("no certificate", StringComparison.Ordinal));
        Assert.Contains(new WebOptions { Listen = "https://0.0.0.0:8443", SessionIdleTimeout = TimeSpan.FromHours(9) }.Problems("https://127.0.0.1:7000", true), p => p.Contains("Web:SessionIdleTimeout", StringComparison.Ordinal));
    }

    public void Dispose() => _directory.Dispose();
}
