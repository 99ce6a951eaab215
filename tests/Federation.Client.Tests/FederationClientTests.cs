using System.Net.Sockets;
using System.Security.Authentication;
using Federation.Protocol.V1;
using Federation.Testing;
using Grpc.Core;
using Xunit;

namespace Federation.Client.Tests;

/// <summary>
/// The client library against a scripted node (<see cref="FakeNode"/>): what reaches the wire for a
/// certificate number or a citizen ID (the canonical form, or nothing at all with an
/// <see cref="ArgumentException"/> that names the parameter but not the number), which failures
/// are retried, and how answers and transport failures become <see cref="FederationException"/>.
/// </summary>
public sealed class FederationClientTests
{
    private const string Id = "11010519491231002X";

    [Theory]
    [InlineData(" 4401061201000123 ", "4401061201000123")] // canonical, trimmed
    [InlineData("ab12345", "AB12345")] // legacy, upper-cased
    [InlineData("４４０１０６１２０１０００１２３", "4401061201000123")] // full-width digits, as an IME types them: folded (issue 24)
    public async Task VerifyCertificate_SendsTheNumbersCanonicalForm(string typed, string sent)
    {
        // Arrange
        var node = new FakeNode().Answers(new VerifyResponse { Found = true });
        using var client = node.Client();

        // Act
        var answer = await client.VerifyCertificateAsync(typed).DefaultTimeout();

        // Assert
        Assert.True(answer.Found);
        var request = Assert.Single(node.Requests);
        Assert.Equal("/federation.v1.Verification/VerifyCertificate", request.Path);
        Assert.Equal(sent, node.Sent(0, VerifyCertificateRequest.Parser).CertificateNumber);
    }

    [Fact]
    public async Task VerifyPerson_SendsTheIdTrimmedWithAnUpperCaseX()
    {
        var node = new FakeNode().Answers(new VerifyResponse());
        using var client = node.Client();

        await client.VerifyPersonAsync("  " + Id.ToLowerInvariant() + "\n").DefaultTimeout();

        Assert.Equal(Id, node.Sent(0, VerifyPersonRequest.Parser).CitizenId);
    }

    [Fact]
    public async Task VerifyPerson_FullWidthId_IsSentFolded()
    {
        var node = new FakeNode().Answers(new VerifyResponse());
        using var client = node.Client();

        await client.VerifyPersonAsync("１１０１０５１９４９１２３１００２Ｘ").DefaultTimeout();

        Assert.Equal(Id, node.Sent(0, VerifyPersonRequest.Parser).CitizenId);
    }

    [Theory]
    [InlineData("４４０１－０６１２－０１００－０１２３")] // full-width, folded, still not a number
    [InlineData("4401-0612-0100-0123")]
    [InlineData("")]
    [InlineData("123456789012345678901")] // 21 characters
    public async Task VerifyCertificate_Malformed_IsRefusedLocally_NamingTheParameterNotTheNumber(string typed)
    {
        var node = new FakeNode();
        using var client = node.Client();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => client.VerifyCertificateAsync(typed));

        Assert.Equal("certificateNumber", refused.ParamName);
        Assert.StartsWith("certificate number: ", refused.Message, StringComparison.Ordinal);
        if (typed.Length > 0)
        {
            Assert.DoesNotContain(typed, refused.Message, StringComparison.Ordinal);
        }
        Assert.Empty(node.Requests);
    }

    [Theory]
    [InlineData("110105194912310021")] // wrong check character
    [InlineData("１１０１０５１９４９１２３１００２１")] // full-width, folded, and the check character is wrong
    [InlineData("11010519491331002X")] // no 13th month (and so the checksum fails too)
    public async Task VerifyPerson_Malformed_IsRefusedLocally_WithoutTheId(string typed)
    {
        var node = new FakeNode();
        using var client = node.Client();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => client.VerifyPersonAsync(typed));

        Assert.Equal("citizenId", refused.ParamName);
        Assert.DoesNotContain(typed, refused.Message, StringComparison.Ordinal);
        Assert.Empty(node.Requests);
    }

    [Fact]
    public async Task LocalChecks_DateDivisionAndMonth_AreRefusedBeforeSending()
    {
        var node = new FakeNode();
        using var client = node.Client();

        Assert.Equal("period", (await Assert.ThrowsAsync<ArgumentException>(() => client.GetIndicatorsAsync(period: "2026/10/31"))).ParamName);
        Assert.Equal("division", (await Assert.ThrowsAsync<ArgumentException>(() => client.GetIndicatorsAsync(division: "449999"))).ParamName);
        Assert.Equal("month", (await Assert.ThrowsAsync<ArgumentException>(() => client.GetEnterpriseSummaryAsync("2026-13"))).ParamName);
        Assert.Empty(node.Requests);
    }

    [Theory]
    [InlineData("ftp://node.test:7101")]
    [InlineData("node.test:7101")]
    public void Constructor_AddressNotHttpOrHttps_IsRefused(string address)
    {
        var refused = Assert.Throws<ArgumentException>(() => new FederationClient(new FederationClientOptions { Address = address }));

        Assert.Contains("must be http://host:port or https://host:port", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_CarryTheTokenAndADeadline()
    {
        var node = new FakeNode().Answers(new NodeStatus { NodeId = "city-440100" });
        using var client = node.Client(options => options.BearerToken = "fed_test");

        Assert.Equal("city-440100", (await client.GetNodeStatusAsync().DefaultTimeout()).NodeId);

        var request = Assert.Single(node.Requests);
        Assert.Equal("Bearer fed_test", Assert.Single(request.Headers.GetValues("authorization")));
        Assert.Matches("^[0-9]+[HMSmun]$", Assert.Single(request.Headers.GetValues("grpc-timeout")));
    }

    [Theory]
    [InlineData(StatusCode.PermissionDenied, "permission denied by the node at http://node.test:7101 (no role)", true)]
    [InlineData(StatusCode.Unauthenticated, "the node at http://node.test:7101 needs credentials (no role)", true)]
    [InlineData(StatusCode.NotFound, "get node status: no role (NotFound)", false)]
    [InlineData(StatusCode.InvalidArgument, "get node status: no role (InvalidArgument)", false)]
    public async Task AnAnswer_IsNotRetried_AndBecomesAFederationException(StatusCode status, string message, bool permission)
    {
        // Arrange
        var node = new FakeNode().Fails(status, "no role");
        using var client = node.Client();

        // Act
        var failed = await Assert.ThrowsAsync<FederationException>(() => client.GetNodeStatusAsync().DefaultTimeout());

        // Assert: the node's own status and message, said for a person; asked once
        Assert.Equal(status, failed.StatusCode);
        Assert.Equal("no role", failed.ServerMessage);
        Assert.Equal(TransportProblem.None, failed.Transport);
        Assert.Equal(permission, failed.IsPermissionProblem);
        Assert.False(failed.IsUnavailable);
        Assert.Contains(message, failed.Message, StringComparison.Ordinal);
        Assert.Single(node.Requests);
    }

    [Fact]
    public async Task Unavailable_IsRetried_UntilTheNodeAnswers()
    {
        // Arrange
        var node = new FakeNode().Fails(StatusCode.Unavailable, "restarting").Fails(StatusCode.Unavailable, "restarting").Answers(new NodeStatus { NodeId = "city-440100" });
        var retries = new List<int>();
        using var client = node.Client(options => options.OnRetry = (attempt, _, failure) => retries.Add(attempt));

        // Act
        var status = await client.GetNodeStatusAsync().DefaultTimeout();

        // Assert
        Assert.Equal("city-440100", status.NodeId);
        Assert.Equal(3, node.Requests.Count);
        Assert.Equal([0, 1], retries);
    }

    [Fact]
    public async Task Unavailable_PastTheRetries_IsUnavailable()
    {
        var node = new FakeNode().Fails(StatusCode.Unavailable, "down").Fails(StatusCode.Unavailable, "down").Fails(StatusCode.Unavailable, "down");
        using var client = node.Client(options => options.MaxRetries = 2);

        var failed = await Assert.ThrowsAsync<FederationException>(() => client.CheckHealthAsync().DefaultTimeout());

        Assert.Equal(3, node.Requests.Count);
        Assert.True(failed.IsUnavailable);
        Assert.Equal("check health: the node at http://node.test:7101 is unavailable (down)", failed.Message);
    }

    [Fact]
    public async Task NothingListening_IsUnreachable_AndRetried()
    {
        // Arrange: the socket is refused, as SocketsHttpHandler reports it
        var node = new FakeNode();
        for (var i = 0; i < 2; i++)
        {
            node.Throws(() => new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (node.test:7101)", new SocketException((int)SocketError.ConnectionRefused)));
        }
        using var client = node.Client(options => options.MaxRetries = 1);

        // Act
        var failed = await Assert.ThrowsAsync<FederationException>(() => client.GetNodeStatusAsync().DefaultTimeout());

        // Assert
        Assert.Equal(TransportProblem.Unreachable, failed.Transport);
        Assert.True(failed.IsUnavailable);
        Assert.False(failed.IsPermissionProblem);
        Assert.StartsWith("get node status: the node at http://node.test:7101 cannot be reached", failed.Message, StringComparison.Ordinal);
        Assert.Equal(2, node.Requests.Count);
    }

    [Fact]
    public async Task AnUntrustedServerCertificate_IsAPermissionProblem_AndNotRetried()
    {
        var node = new FakeNode().Throws(() => new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established",
            new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")));
        using var client = node.Client();

        var failed = await Assert.ThrowsAsync<FederationException>(() => client.GetNodeStatusAsync().DefaultTimeout());

        Assert.Equal(TransportProblem.ServerCertificateNotTrusted, failed.Transport);
        Assert.True(failed.IsPermissionProblem);
        Assert.False(failed.IsUnavailable);
        Assert.Contains("presented a TLS certificate that is not trusted", failed.Message, StringComparison.Ordinal);
        Assert.Single(node.Requests);
    }
}
