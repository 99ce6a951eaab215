using Federation.Testing;
using Xunit;

namespace Federation.Tests.Node;

/// <summary>The node refuses a bad configuration with a message naming each setting, and a non-zero exit.</summary>
public sealed class NodeStartupTests
{
    [Fact]
    public async Task BadConfig_EverySettingNamed_ExitCode2()
    {
        // Arrange
        using var directory = new TempDirectory();
        var config = directory.File("bad.json");
        await File.WriteAllTextAsync(config, """
            // comments are allowed in node configs
            { "Node": { "Id": "has space", "Level": "town", "DivisionCode": "44010" },
              "Server": { "Listen": "ftp://127.0.0.1:1" },
              "Log": { "MinimumLevel": "Loud" } }
            """);

        // Act
        await using var node = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]);
        var exitCode = await node.WaitForExitAsync();

        // Assert
        Assert.Equal(2, exitCode);
        Assert.Contains("Node:Id is 'has space'", node.Output, StringComparison.Ordinal);
        Assert.Contains("Node:Level is 'town'; it must be one of city, province, ministry.", node.Output, StringComparison.Ordinal);
        Assert.Contains("Node:DivisionCode is '44010'", node.Output, StringComparison.Ordinal);
        Assert.Contains("Server:Listen is 'ftp://127.0.0.1:1'", node.Output, StringComparison.Ordinal);
        Assert.Contains("Log:MinimumLevel is 'Loud'", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LevelAndDivisionDisagree_IsRefused()
    {
        var output = await RefusedConfigOutputAsync("""{ "Node": { "Id": "p", "Level": "province", "DivisionCode": "440100" } }""");
        Assert.Contains("Node:DivisionCode is '440100' but Node:Level is province", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DivisionNotInTable_IsRefused()
    {
        var output = await RefusedConfigOutputAsync("""{ "Node": { "Id": "c", "Level": "city", "DivisionCode": "449900" } }""");
        Assert.Contains("Node:DivisionCode is '449900', which is not in the GB/T 2260 division table.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConfigFile_SaysWhere_ExitCode2()
    {
        await using var node = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", "/nonexistent/node.json"]);
        Assert.Equal(2, await node.WaitForExitAsync());
        Assert.Contains("the config file does not exist", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidJson_IsReported_ExitCode2()
    {
        var output = await RefusedConfigOutputAsync("{ \"Node\": { \"Id\": ");
        Assert.Contains("not valid JSON", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidConfig_StartsAndWritesJsonLogFile()
    {
        using var directory = new TempDirectory();
        await using (var node = await NodeProcess.StartAsync(directory.Path, "ministry", "ministry", "000000"))
        {
            Assert.Equal("127.0.0.1", node.Address.Host);
        }
        var logFile = Assert.Single(Directory.GetFiles(Path.Combine(directory.Path, "logs"), "ministry-*.log"));
        var lines = await ReadSharedAsync(logFile);
        Assert.Contains(lines, line => line.Contains("\"EventId\":{\"Id\":2000,\"Name\":\"NodeStarted\"}", StringComparison.Ordinal)
                                       && line.Contains("\"NodeId\":\"ministry\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Province_WithChildren_ReportsThemInStatus()
    {
        using var directory = new TempDirectory();
        var children = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["Id"] = "city-440100", ["DivisionCode"] = "440100", ["Address"] = "http://127.0.0.1:7202" },
            new System.Text.Json.Nodes.JsonObject { ["Id"] = "city-440300", ["DivisionCode"] = "440300", ["Address"] = "http://127.0.0.1:7203" });
        await using var node = await NodeProcess.StartAsync(directory.Path, "province-440000", "province", "440000",
            new System.Text.Json.Nodes.JsonObject { ["Children"] = children });

        using var channel = node.Channel();
        var status = await new Protocol.V1.Admin.AdminClient(channel).GetNodeStatusAsync(new Protocol.V1.GetNodeStatusRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal(["city-440100", "city-440300"], status.Children.Select(c => c.NodeId));
        Assert.Equal("深圳市", status.Children[1].DivisionName);
    }

    [Fact]
    public async Task Province_WithChildOutsideItsJurisdiction_IsRefused()
    {
        var output = await RefusedConfigOutputAsync("""
            { "Node": { "Id": "province-440000", "Level": "province", "DivisionCode": "440000" },
              "Children": [ { "Id": "city-320100", "DivisionCode": "320100", "Address": "http://127.0.0.1:7205" } ] }
            """);
        Assert.Contains("Children[0]:DivisionCode is 320100 (南京市), outside this node's jurisdiction 440000.", output, StringComparison.Ordinal);
    }

    /// <summary>Writes <paramref name="json"/> as a node config, starts the node with it and expects it to refuse (exit 2).</summary>
    private static async Task<string> RefusedConfigOutputAsync(string json)
    {
        using var directory = new TempDirectory();
        var config = directory.File("node.json");
        await File.WriteAllTextAsync(config, json);
        await using var node = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]);
        Assert.Equal(2, await node.WaitForExitAsync());
        return node.Output;
    }

    private static async Task<string[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Split('\n');
    }
}
