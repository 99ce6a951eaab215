using Federation.DataGen;
using Federation.Testing;
using Federation.Tests.Fedctl;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Federation.Tests.Security;

/// <summary>
/// An account's life as administrators and auditors run it, with the real tools: a certificate
/// from <c>Federation.Node pki</c>, the account made with fedctl, its post changed (its roles gone
/// at once), an API token for a script; the auditor reads who asked what; the audit chain checks
/// out, and a tampered entry is found and named.
/// </summary>
public sealed class AccountsAndAuditTests
{
    [Fact]
    public async Task AnAccount_IsCreated_Used_Transferred_AndEverythingIsAudited()
    {
        using var directory = new TempDirectory();
        string certificate = "";
        var config = await Exchange.Tree.PrepareCityAsync(directory.Path, "440100", 30, 17, export =>
            certificate = ExportFiles.ReadRows(export, "certificates").First(c => c["cancel_date"] == "" && c["valid"] == "1")["certificate_number"]);
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        var pki = node.Pki.Directory;

        // The administrator issues Wang Fang a certificate and an account for her post.
        await RunAsync(0, "dotnet", NodeProcess.NodeDll, "pki", "account", "--dir", pki, "--id", "wang.fang");
        var created = await FedctlProcess.RunAsync(node, "accounts", "create", "wang.fang", "--name", "Wang Fang", "--post", "verification desk",
            "--certificate", Path.Combine(pki, "wang.fang.pem"), "--role", "verifier");
        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Contains("verifier over 440100", created.Output, StringComparison.Ordinal);

        // She verifies; she may not manage accounts.
        var verified = await FedctlProcess.RunAsAsync(node, "wang.fang", "verify", "cert", certificate);
        Assert.True(verified.ExitCode == 0, verified.Output);
        var notAdmin = await FedctlProcess.RunAsAsync(node, "wang.fang", "accounts", "list");
        Assert.Equal(4, notAdmin.ExitCode);
        Assert.Contains("needs one of: administrator", notAdmin.Output, StringComparison.Ordinal);

        // She moves to another post: the verifier role goes with the old one, at once.
        Assert.Equal(0, (await FedctlProcess.RunAsync(node, "accounts", "transfer", "wang.fang", "--post", "archive")).ExitCode);
        var afterTransfer = await FedctlProcess.RunAsAsync(node, "wang.fang", "verify", "cert", certificate);
        Assert.Equal(4, afterTransfer.ExitCode);
        Assert.Contains("has no role that may call /federation.v1.Verification/VerifyCertificate", afterTransfer.Output, StringComparison.Ordinal);

        // A script of hers runs with an API token (no certificate), for what her new post allows.
        Assert.Equal(0, (await FedctlProcess.RunAsync(node, "accounts", "grant", "wang.fang", "--role", "analyst")).ExitCode);
        var token = (await FedctlProcess.RunAsync(node, "accounts", "token", "wang.fang")).Output.Trim();
        Assert.StartsWith("fed_", token, StringComparison.Ordinal);
        await using (var script = ExternalProcess.Start("dotnet", [FedctlProcess.Dll, "stats", "--json", "--node", node.Address.ToString(), "--ca", node.Pki.CaPath, "--token", token]))
        {
            Assert.True(await script.WaitForExitAsync() == 0, script.Output);
        }

        // The auditor sees her calls in order, refusals included, with the subject masked.
        var audit = await FedctlProcess.RunAsync(node, "audit", "--account", "wang.fang", "--json");
        Assert.True(audit.ExitCode == 0, audit.Output);
        using (var json = System.Text.Json.JsonDocument.Parse(audit.Output[audit.Output.IndexOf('{', StringComparison.Ordinal)..]))
        {
            var records = json.RootElement.GetProperty("records").EnumerateArray()
                .Select(r => (Method: r.GetProperty("method").GetString()!, Outcome: r.GetProperty("outcome").GetString()!, Subject: r.GetProperty("subject").GetString()!)).ToList();
            Assert.Equal(
                [("/federation.v1.Verification/VerifyCertificate", "OK"), ("/federation.v1.Accounts/ListAccounts", "PermissionDenied"),
                 ("/federation.v1.Verification/VerifyCertificate", "PermissionDenied"), ("/federation.v1.Statistics/GetIndicators", "OK")],
                records.Select(r => (r.Method, r.Outcome)).ToList());
            Assert.DoesNotContain(records, r => r.Subject.Contains(certificate, StringComparison.Ordinal));
        }
        var bySubject = await FedctlProcess.RunAsync(node, "audit", "--subject", certificate, "--json");
        Assert.Contains("wang.fang", bySubject.Output, StringComparison.Ordinal);

        // The chain checks out, on the node and offline; a tampered entry is found and named.
        var intact = await FedctlProcess.RunAsync(node, "audit", "verify");
        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Contains("Audit log intact", intact.Output, StringComparison.Ordinal);
        node.Signal("TERM");
        await node.Process.WaitForExitAsync();
        Assert.Contains("intact", await RunAsync(0, "dotnet", NodeProcess.NodeDll, "audit", "verify", "--config", config), StringComparison.Ordinal);
        using (var connection = new SqliteConnection($"Data Source={directory.File("data/city-440100.security.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER audit_append_only_update; UPDATE audit SET outcome = 'OK' WHERE seq = (SELECT min(seq) FROM audit WHERE outcome = 'PermissionDenied')";
            command.ExecuteNonQuery();
        }
        var tampered = await RunAsync(1, "dotnet", NodeProcess.NodeDll, "audit", "verify", "--config", config);
        Assert.Matches(@"entry \d+: edited", tampered);
    }

    // Issue 20 item 6: a certificate that cannot sign in now — expired, not yet valid, revoked — is
    // refused when it is bound, through fedctl (create, bind) and the node's own `accounts add`,
    // with a message that says which and what to do; a good one binds.
    [Fact]
    public async Task BindingACertificate_ExpiredNotYetValidOrRevoked_IsRefusedWithTheReason()
    {
        // Arrange
        using var directory = new TempDirectory();
        var config = await Exchange.Tree.PrepareCityAsync(directory.Path, "440100", 10, 17);
        await using var node = await NodeProcess.StartAsync(config, "city-440100");
        var now = DateTimeOffset.UtcNow;
        var expired = node.Pki.Account("old.cert", now.AddDays(-400), TimeSpan.FromDays(30));
        var future = node.Pki.Account("future.cert", now.AddDays(2), TimeSpan.FromDays(30));
        var revoked = node.Pki.Account("gone.cert");
        node.Pki.Revoke("gone.cert");
        var good = node.Pki.Account("good.cert");
        (string Id, string Pem, string Why)[] cases = [("old.cert", expired, "the certificate expired on"), ("future.cert", future, "the certificate is not valid yet"), ("gone.cert", revoked, "has been revoked")];

        foreach (var (id, pem, why) in cases)
        {
            // Act: create an account with it; bind it to an account made without one; add it on the node's machine
            var created = await FedctlProcess.RunAsync(node, "accounts", "create", id, "--name", "Zhao Lei", "--post", "desk", "--certificate", pem, "--role", "verifier");
            var made = await FedctlProcess.RunAsync(node, "accounts", "create", id, "--name", "Zhao Lei", "--post", "desk", "--role", "verifier");
            var bound = await FedctlProcess.RunAsync(node, "accounts", "bind", id, "--certificate", pem);
            await using var local = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "accounts", "add", "--config", config, "--id", id,
                "--name", "Zhao Lei", "--post", "desk", "--certificate", pem, "--role", "verifier"]);
            var localExit = await local.WaitForExitAsync();

            // Assert
            Assert.True(created.ExitCode == 1, created.Output);
            Assert.Contains(why, created.Output, StringComparison.Ordinal);
            Assert.True(made.ExitCode == 0, made.Output);
            Assert.True(bound.ExitCode == 1, bound.Output);
            Assert.Contains(why, bound.Output, StringComparison.Ordinal);
            Assert.True(localExit == 1, local.Output);
            Assert.Contains(why, local.Output, StringComparison.Ordinal);
        }
        var fine = await FedctlProcess.RunAsync(node, "accounts", "create", "good.cert", "--name", "Zhao Lei", "--post", "desk", "--certificate", good, "--role", "verifier");
        Assert.True(fine.ExitCode == 0, fine.Output);
    }

    private static async Task<string> RunAsync(int expectedExitCode, string program, params string[] arguments)
    {
        await using var process = ExternalProcess.Start(program, arguments);
        var exitCode = await process.WaitForExitAsync();
        Assert.True(exitCode == expectedExitCode, $"{string.Join(' ', arguments)} exited {exitCode}, expected {expectedExitCode}:\n{process.Output}");
        return process.Output;
    }
}
