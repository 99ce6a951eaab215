using System.Text.Json;
using Federation.Client;
using Federation.DataGen;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Fedctl;

/// <summary>fedctl as a process against a real node: output in text and --json, and exit codes.</summary>
public sealed class FedctlTests(FedctlTests.CityFixture fixture) : IClassFixture<FedctlTests.CityFixture>
{
    private static string FedctlDll => FedctlProcess.Dll;

    private Task<(int ExitCode, string Output)> FedctlAsync(params string[] arguments) => FedctlProcess.RunAsync(fixture.Node, arguments);

    [Fact]
    public async Task Status_Text_ShowsIdentityAndHealth()
    {
        var (exitCode, output) = await FedctlAsync("status");
        Assert.True(exitCode == 0, output);
        Assert.Contains("city-440100", output, StringComparison.Ordinal);
        Assert.Contains("440100 广州市", output, StringComparison.Ordinal);
        Assert.Contains("SERVING", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_Json_IsParseable()
    {
        var (exitCode, output) = await FedctlAsync("status", "--json");
        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("city-440100", json.RootElement.GetProperty("node").GetProperty("nodeId").GetString());
        Assert.Equal("SERVING", json.RootElement.GetProperty("health").GetString());
    }

    [Fact]
    public async Task Stats_Json_AfterIngest_MatchesTheSealedDigest()
    {
        var (exitCode, output) = await FedctlAsync("stats", "--period", "2026-10-31", "--from", "2026-01-01", "--employed-total", "1000000", "--json");
        Assert.True(exitCode == 0, output);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(fixture.Digest, json.RootElement.GetProperty("manifestDigest").GetString());
        // proto3 JSON writes int64 as a string
        Assert.True(long.Parse(json.RootElement.GetProperty("newUrbanEmployment").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Stats_Text_ShowsTheIndicators()
    {
        var (exitCode, output) = await FedctlAsync("stats", "--employed-total", "1000000");
        Assert.True(exitCode == 0, output);
        Assert.Contains("R-13 registered unemployed", output, StringComparison.Ordinal);
        Assert.Contains(fixture.Digest, output, StringComparison.Ordinal);
        // without dates, the statistics month ending by the period (21 September … 20 October), said as such.
        Assert.Contains("Period 2026-10-31, division 440100, 2026-09-21 … 2026-10-20", output, StringComparison.Ordinal);
        var (_, calendar) = await FedctlAsync("stats", "--calendar-month");
        Assert.Contains("2026-10-01 … 2026-10-31", calendar, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_PeriodNotSealed_IsExit1WithTheNodesReason()
    {
        var (exitCode, output) = await FedctlAsync("stats", "--period", "2026-09-30");
        Assert.Equal(1, exitCode);
        Assert.Contains("period 2026-09-30 is not sealed on this node; sealed periods: 2026-10-31", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_MalformedDate_IsExit2BeforeCallingTheNode()
    {
        var (exitCode, output) = await FedctlAsync("stats", "--period", "2026-13-01");
        Assert.Equal(2, exitCode);
        Assert.Contains("period must be a date YYYY-MM-DD, got '2026-13-01'", output, StringComparison.Ordinal);
    }

    // The parser's own errors are usage errors: exit 2 (not 1, a negative answer), saying what is
    // wrong and where the help is. Nothing is sent to a node.
    [Theory]
    [InlineData("nosuchverb", "Unrecognized command or argument 'nosuchverb'", "Try 'fedctl --help'")]
    [InlineData("status --bogus", "Unrecognized command or argument '--bogus'", "Try 'fedctl status --help'")]
    [InlineData("verify cert", "Required argument missing for command: 'cert'", "Try 'fedctl verify cert --help'")]
    [InlineData("check 4401061019000001", "Option '--name' is required", "Try 'fedctl check --help'")]
    [InlineData("accounts create someone --name X", "Option '--post' is required", "Try 'fedctl accounts create --help'")]
    public async Task UsageErrors_AreExit2_WithTheParsersMessage(string arguments, string message, string hint)
    {
        await using var process = ExternalProcess.Start("dotnet", [FedctlDll, .. arguments.Split(' '), "--node", "http://127.0.0.1:1"]);
        Assert.Equal(2, await process.WaitForExitAsync());
        Assert.Contains(message, process.Output, StringComparison.Ordinal);
        Assert.Contains(hint, process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnreachableNode_IsExit3()
    {
        await using var process = ExternalProcess.Start("dotnet", [FedctlDll, "status", "--node", "http://127.0.0.1:1", "--timeout", "2"]);
        Assert.Equal(3, await process.WaitForExitAsync());
        Assert.Contains("the node at http://127.0.0.1:1 cannot be reached", process.Output, StringComparison.Ordinal);
        Assert.Contains("hint: check --node", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_RetriesUnavailableIdempotentCalls_ThenReportsTheStatus()
    {
        var retries = new List<(int Attempt, Grpc.Core.StatusCode Status)>();
        using var client = new FederationClient(new FederationClientOptions
        {
            Address = "http://127.0.0.1:1",
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(200),
            OnRetry = (attempt, delay, failure) => retries.Add((attempt, failure.StatusCode)),
        });
        var ex = await Assert.ThrowsAsync<FederationException>(() => client.GetNodeStatusAsync()).DefaultTimeout();
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(TransportProblem.Unreachable, ex.Transport);
        // the first call and two retries, each failing with UNAVAILABLE; then the status is reported
        Assert.Equal([(0, Grpc.Core.StatusCode.Unavailable), (1, Grpc.Core.StatusCode.Unavailable)], retries);
    }

    // Issue 11 item 1, end to end: the upload carries the operator's encoding; without it a
    // GB18030 file is refused by the node, naming the line and byte offset, and nothing is staged.
    [Fact]
    public async Task Ingest_Gb18030File_IsRefusedAsUtf8_AndReadWithEncodingGb18030()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "persons-gbk.csv");
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        const string header = "citizen_id,name,sex,birth_date,household_division,household_nature,handling_division,valid\n";
        File.WriteAllText(path, header + "11010519491231002X,张三,2,1949-12-31,110105,2,440106,1\n", System.Text.Encoding.GetEncoding("GB18030"));

        var (refused, refusal) = await FedctlAsync("ingest", path);
        var (exitCode, output) = await FedctlAsync("ingest", path, "--encoding", "gb18030", "--json");

        Assert.True(refused == 1, refusal);
        Assert.Contains($"persons-gbk.csv line 2, byte offset {header.Length + 19}: the bytes are not valid UTF-8", refusal, StringComparison.Ordinal);
        Assert.True(exitCode == 0, output);
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.Equal("1", json.RootElement.GetProperty("accepted").GetString());
    }

    [Fact]
    public void Client_MalformedInput_IsRefusedLocally()
    {
        using var client = new FederationClient(new FederationClientOptions { Address = "http://127.0.0.1:1" });
        Assert.Equal("division", Assert.Throws<ArgumentException>(() => { _ = client.GetIndicatorsAsync(division: "449999"); }).ParamName);
        Assert.Throws<ArgumentException>(() => new FederationClient(new FederationClientOptions { Address = "127.0.0.1:7000" }));
    }

    public sealed class CityFixture : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();

        public NodeProcess Node { get; private set; } = null!;

        public string Digest { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var export = Path.Combine(_directory.Path, "export");
            ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 1000, Seed = 2, DefectRate = 0.02 }, export);
            Node = await NodeProcess.StartAsync(_directory.Path, "city-440100", "city", "440100");
            await using var ingest = ExternalProcess.Start("dotnet", [FedctlDll, "ingest", export, "--seal", "2026-10-31", "--json", .. Node.FedctlArgs()]);
            var exitCode = await ingest.WaitForExitAsync();
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"fedctl ingest failed ({exitCode}):\n{ingest.Output}");
            }
            var jsonStart = ingest.Output.IndexOf('{', StringComparison.Ordinal);
            using var json = JsonDocument.Parse(ingest.Output[jsonStart..]);
            Digest = json.RootElement.GetProperty("digest").GetString()!;
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            _directory.Dispose();
        }
    }
}
