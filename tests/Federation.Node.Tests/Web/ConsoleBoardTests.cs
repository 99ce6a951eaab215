using System.Text.Json.Nodes;
using Federation.DataGen;
using Federation.Node.Commands;
using Federation.Node.Configuration;
using Federation.Node.Host;
using Federation.Node.Web.Operator;
using Federation.Store;
using Federation.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Federation.Node.Tests.Web;

/// <summary>
/// The operator console's board on a node built by the daemon's own composition root (not
/// started): what it shows comes from the RPCs' own methods — the tree's states from
/// GetNodeStatus, a city seeing itself with its sealed period's signature verified, indicators,
/// findings with masked IDs, and the quarterly report by fedctl's code.
/// </summary>
public sealed class ConsoleBoardTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AParentsTree_SaysNeverPulled_Stale_WithTheLag_AsGetNodeStatusReportsIt()
    {
        var children = new JsonArray(
            new JsonObject { ["Id"] = "province-440000", ["DivisionCode"] = "440000", ["Address"] = "https://127.0.0.1:1" },
            new JsonObject { ["Id"] = "province-330000", ["DivisionCode"] = "330000", ["Address"] = "https://127.0.0.1:2" });
        var path = await NodeProcess.WriteConfigAsync(_directory.Path, "ministry", "ministry", "000000", new JsonObject { ["Children"] = children });
        await using var app = NodeHost.Build(NodeConfiguration.Load(path), null);
        var links = app.Services.GetRequiredService<IChildLinks>();
        var now = DateTimeOffset.UtcNow;
        links.RecordPullSuccess("province-440000", new Period(new DateOnly(2026, 10, 31)), "sha256:ab", 10, 100, now.AddHours(-2));
        links.RecordPullFailure("province-440000", "connection refused", now);
        var board = ActivatorUtilities.CreateInstance<ConsoleBoard>(app.Services, (IServiceCaller)new LocalCaller(app.Services));

        var status = await board.StatusAsync();
        var rows = ConsoleBoard.Tree(status);

        Assert.Equal(["province-440000", "province-330000"], rows.Select(r => r.Node.NodeId));
        Assert.Equal(("陈旧（最近一次拉取失败）", "state-stale", "connection refused"), (rows[0].State, rows[0].StateClass, rows[0].Node.LastError));
        Assert.StartsWith("2 小时", rows[0].Lag, StringComparison.Ordinal);
        Assert.Equal(("从未拉取", "—"), (rows[1].State, rows[1].Lag));
        // Nothing sealed yet: findings say so, as the RPC does.
        var none = await Assert.ThrowsAsync<RpcException>(() => board.FindingsAsync("", ""));
        Assert.Contains("sealed", LocalCall.Problem(none), StringComparison.OrdinalIgnoreCase);
        Assert.Null(ConsoleBoard.LatestQuarter(status));
    }

    [Fact]
    public async Task ACity_SeesItself_ItsSealedPeriodSignedAndVerified_FindingsMasked_AndTheQuarterlyReport()
    {
        var path = await NodeProcess.WriteConfigAsync(_directory.Path, "city-440100", "city", "440100");
        var config = NodeConfiguration.Load(path);
        var export = Path.Combine(_directory.Path, "export");
        ExportGenerator.Generate(new GeneratorOptions { CityCode = "440100", Persons = 300, Seed = 3, AsOf = new DateOnly(2026, 10, 31) }, export);
        Assert.Equal(0, await StoreCommands.IngestAsync(config, [export], new Period(new DateOnly(2026, 10, 31)), _directory.File("rejects.csv"), null, CancellationToken.None));
        await using var app = NodeHost.Build(config, null);
        var board = ActivatorUtilities.CreateInstance<ConsoleBoard>(app.Services, (IServiceCaller)new LocalCaller(app.Services));

        var status = await board.StatusAsync();
        Assert.Equal("2026-10-31", status.LatestSealed.Period);
        Assert.Empty(ConsoleBoard.Tree(status));

        var periods = board.SignedPeriods();
        Assert.Equal("", periods.Problem);
        var own = Assert.Single(periods.Own);
        Assert.Equal((status.LatestSealed.Digest, "good", "first"), (own.Manifest.Digest, own.Verified!.Signature, own.Verified.Chain));
        Assert.Empty(periods.Received);

        var indicators = await board.IndicatorsAsync();
        Assert.Equal(("2026-10-31", status.LatestSealed.Digest), (indicators.Period, indicators.ManifestDigest));
        Assert.True(indicators.RegisteredUnemployed > 0);

        var findings = await board.FindingsAsync("", "");
        Assert.All(findings.Findings, f => Assert.False(Federation.Standards.CitizenId.TryParse(f.Subject, out _, out _), $"unmasked subject {f.Subject}"));

        // The report: the latest quarter the period covers whole, by fedctl report's code.
        var quarter = ConsoleBoard.LatestQuarter(status);
        Assert.Equal("2026Q3", quarter);
        var report = await board.ReportAsync(quarter!, 0, english: false, CancellationToken.None);
        Assert.Contains("2026年第三季度就业形势和数据分析报告", report.Html, StringComparison.Ordinal);
        Assert.Contains(status.LatestSealed.Digest, report.Html, StringComparison.Ordinal);
        Assert.Equal(("2026-10-31", status.LatestSealed.Digest, "report-city-440100-2026Q3"), (report.Period, report.Digest, report.FileStem));
        // The spreadsheet is an .xlsx (a zip) with the report's sheets.
        Assert.Equal("PK", System.Text.Encoding.ASCII.GetString(report.Workbook, 0, 2));
        // A quarter the sealed period does not cover yet is refused with why.
        var later = await Assert.ThrowsAsync<ArgumentException>(() => board.ReportAsync("2026Q4", 0, english: false, CancellationToken.None));
        Assert.Contains("not complete yet", later.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(40, "40 秒")]
    [InlineData(125, "2 分 5 秒")]
    [InlineData(3 * 3600 + 60 * 7, "3 小时 7 分")]
    [InlineData(50 * 3600, "2 天 2 小时")]
    public void Lags_ReadAsAnOperatorSaysThem(int seconds, string expected) => Assert.Equal(expected, ConsoleBoard.Duration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(40, "40 s")]
    [InlineData(125, "2 min 5 s")]
    [InlineData(3 * 3600 + 60 * 7, "3 h 7 min")]
    [InlineData(50 * 3600, "2 d 2 h")]
    public void Lags_InEnglish_ForAReaderWhoChoseIt(int seconds, string expected) => Assert.Equal(expected, ConsoleBoard.Duration(TimeSpan.FromSeconds(seconds), english: true));

    [Fact]
    public void FindingSubjects_MaskCitizenIds_Only()
    {
        Assert.Equal(Federation.Standards.CitizenId.Mask("11010519491231002X"), ConsoleBoard.MaskSubject("11010519491231002X"));
        Assert.DoesNotContain("19491231", ConsoleBoard.MaskSubject("11010519491231002X"), StringComparison.Ordinal);
        Assert.Equal("4401062026000123", ConsoleBoard.MaskSubject("4401062026000123"));
    }
}
