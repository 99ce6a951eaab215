using System.Net;
using Federation.Protocol.V1;
using Federation.Store.Security;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Web;

/// <summary>
/// The web foundation (docs/web.md) against a real city node serving its pages on a web address of
/// its own, driven by headless Chromium: sign-in with an account's API token, a locked account
/// refused, a session ended at once when its account is locked, the security headers and cookies,
/// the two endpoints kept apart, antiforgery, and the sign-ins audited.
/// </summary>
public sealed class WebFoundationTests(WebFoundationTests.CityFixture fixture) : IClassFixture<WebFoundationTests.CityFixture>
{
    [Fact]
    public void A_locked_account_is_refused_and_an_active_one_signs_in_and_out()
    {
        using var browser = Browser.Start(nameof(WebFoundationTests) + "." + nameof(A_locked_account_is_refused_and_an_active_one_signs_in_and_out));
        browser.Open(fixture.Node.WebAddress!, "/login");
        Assert.Equal("zh-CN", browser.Find("html").GetAttribute("lang"));
        Assert.Empty(browser.SeriousAccessibilityProblems("login"));
        browser.Screenshot("login");

        // A wrong token: refused without saying whether the account exists.
        SignIn(browser, "clerk.li", "fed_not-the-token");
        Assert.Contains("账户名或 API 令牌不正确", browser.Text("#login-error"));

        // A locked account with its right token: refused, and told why.
        SignIn(browser, "locked.wang", fixture.LockedToken);
        Assert.Contains("账户已锁定", browser.Text("#login-error"));
        Assert.Contains("locked", browser.Text("#login-error .detail"));
        browser.Screenshot("login-locked");
        Assert.Null(browser.Cookie(CityFixture.SessionCookie));

        SignIn(browser, "clerk.li", fixture.ClerkToken);
        Assert.Equal("/", new Uri(browser.Driver.Url).AbsolutePath);
        Assert.Equal("clerk.li", browser.Text("header .who"));
        var session = browser.Cookie(CityFixture.SessionCookie);
        Assert.NotNull(session);
        Assert.True(session.Secure, "the session cookie is Secure");
        Assert.True(session.IsHttpOnly, "the session cookie is HttpOnly");
        Assert.Equal("Strict", session.SameSite);

        // English on request, kept for the next page.
        browser.Click("nav.lang a");
        Assert.Equal("en", browser.Find("html").GetAttribute("lang"));
        Assert.Contains("Sign out", browser.Text("header form.signout button"));
        browser.Click("nav.lang a");
        Assert.Equal("zh-CN", browser.Find("html").GetAttribute("lang"));

        browser.Click("header form.signout button");
        Assert.Contains("您已退出登录", browser.Text("main h1"));
        Assert.Null(browser.Cookie(CityFixture.SessionCookie));
    }

    [Fact]
    public async Task A_session_ends_at_once_when_its_account_is_locked()
    {
        using var browser = Browser.Start(nameof(WebFoundationTests) + "." + nameof(A_session_ends_at_once_when_its_account_is_locked));
        browser.Open(fixture.Node.WebAddress!, "/login");
        SignIn(browser, "clerk.zhao", fixture.ZhaoToken);
        Assert.Equal("clerk.zhao", browser.Text("header .who"));

        // An administrator locks the account (over gRPC, as fedctl accounts lock does).
        using var channel = fixture.Node.Channel();
        await new Accounts.AccountsClient(channel).SetAccountStatusAsync(new SetAccountStatusRequest { Id = "clerk.zhao", Status = "locked", Reason = "moved to another office" });

        browser.Open(fixture.Node.WebAddress!, "/login");
        Assert.Contains("会话已结束", browser.Text("#login-error"));
        Assert.Contains("locked", browser.Text("#login-error .detail"));
        Assert.Null(browser.Cookie(CityFixture.SessionCookie));
        browser.Open(fixture.Node.WebAddress!, "/");
        Assert.Empty(browser.FindAll("header .who"));
    }

    [Fact]
    public async Task Pages_carry_the_security_headers_and_the_endpoints_stay_apart()
    {
        using var http = fixture.Node.WebClient();
        using var page = await http.GetAsync(new Uri(fixture.Node.WebAddress!, "/login"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.StartsWith("max-age=", page.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-federation-antiforgery=", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", antiforgery, StringComparison.OrdinalIgnoreCase);

        // A form posted without the antiforgery token is refused before it is looked at.
        using var forged = await http.PostAsync(new Uri(fixture.Node.WebAddress!, "/login"), new FormUrlEncodedContent(new Dictionary<string, string> { ["account"] = "clerk.li", ["token"] = fixture.ClerkToken }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        // The gRPC endpoint serves no page; the web address serves no RPC.
        using var onGrpc = await http.GetAsync(new Uri(fixture.Node.Address, "/login"));
        Assert.Equal(HttpStatusCode.NotFound, onGrpc.StatusCode);
        using var grpcOnWeb = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Node.WebAddress!, "/grpc.health.v1.Health/Check"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]) { Headers = { { "Content-Type", "application/grpc" } } },
        };
        grpcOnWeb.Headers.Add("TE", "trailers");
        using var answer = await http.SendAsync(grpcOnWeb);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.False(answer.Headers.Contains("grpc-status"));
    }

    [Fact]
    public async Task Sign_ins_are_audited_like_token_sign_ins()
    {
        using (var browser = Browser.Start(nameof(WebFoundationTests) + "." + nameof(Sign_ins_are_audited_like_token_sign_ins)))
        {
            browser.Open(fixture.Node.WebAddress!, "/login");
            SignIn(browser, "auditee.sun", fixture.SunToken);
            Assert.Equal("auditee.sun", browser.Text("header .who"));
            SignIn(browser, "locked.wang", fixture.LockedToken, open: true);
        }
        using var channel = fixture.Node.Channel();
        var records = (await new Audit.AuditClient(channel).ReadAuditAsync(new ReadAuditRequest { Limit = 1000 })).Records
            .Where(r => r.Method == "/federation.web.Session/SignIn").ToList();
        Assert.Contains(records, r => r.Principal == "account:auditee.sun" && r.Outcome == "OK" && r.Node == "city-440100");
        Assert.Contains(records, r => r.Principal == "refused:account:locked.wang" && r.Outcome == "Unauthenticated");
    }

    private void SignIn(Browser browser, string account, string token, bool open = false)
    {
        if (open || !browser.Driver.Url.Contains("/login", StringComparison.Ordinal))
        {
            browser.Open(fixture.Node.WebAddress!, "/login");
        }
        browser.Fill("account", account);
        browser.Fill("token", token);
        browser.Click("#sign-in");
    }

    /// <summary>A city serving its pages, with a clerk, a locked account and tokens for them.</summary>
    public sealed class CityFixture : IAsyncLifetime
    {
        public const string SessionCookie = "__Host-federation-session";

        private readonly TempDirectory _directory = new();

        public NodeProcess Node { get; private set; } = null!;

        public string ClerkToken { get; private set; } = "";

        public string ZhaoToken { get; private set; } = "";

        public string SunToken { get; private set; } = "";

        public string LockedToken { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var config = await NodeProcess.WriteConfigAsync(_directory.Path, "city-440100", "city", "440100", NodeProcess.WebConfig());
            var store = Path.Combine(_directory.Path, "data", "city-440100.db");
            var pki = TestPki.For(_directory.Path);
            foreach (var id in new[] { "clerk.li", "clerk.zhao", "auditee.sun", "locked.wang" })
            {
                pki.AddAccount(store, id, [("verifier", "440100")]);
            }
            using (var accounts = AccountStore.Open(SecurityDatabase.PathFor(store)))
            {
                ClerkToken = accounts.IssueToken("clerk.li");
                ZhaoToken = accounts.IssueToken("clerk.zhao");
                SunToken = accounts.IssueToken("auditee.sun");
                LockedToken = accounts.IssueToken("locked.wang");
                accounts.SetStatus("locked.wang", AccountStatus.Locked, "locked by the administrator", DateTimeOffset.UtcNow);
            }
            Node = await NodeProcess.StartAsync(config, "city-440100");
            Assert.NotNull(Node.WebAddress);
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            _directory.Dispose();
        }
    }
}
