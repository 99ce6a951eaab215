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
        using var directory = new TempDirectory();
        var config = directory.File("mismatch.json");
        await File.WriteAllTextAsync(config, """{ "Node": { "Id": "p", "Level": "province", "DivisionCode": "440100" } }""");

        await using var node = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]);

        Assert.Equal(2, await node.WaitForExitAsync());
        Assert.Contains("Node:DivisionCode is '440100' but Node:Level is province", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DivisionNotInTable_IsRefused()
    {
        using var directory = new TempDirectory();
        var config = directory.File("unknown.json");
        await File.WriteAllTextAsync(config, """{ "Node": { "Id": "c", "Level": "city", "DivisionCode": "449900" } }""");

        await using var node = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]);

        Assert.Equal(2, await node.WaitForExitAsync());
        Assert.Contains("Node:DivisionCode is '449900', which is not in the GB/T 2260 division table.", node.Output, StringComparison.Ordinal);
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
        using var directory = new TempDirectory();
        var config = directory.File("broken.json");
        await File.WriteAllTextAsync(config, "{ \"Node\": { \"Id\": ");
        await using var node = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "--config", config]);
        Assert.Equal(2, await node.WaitForExitAsync());
        Assert.Contains("not valid JSON", node.Output, StringComparison.Ordinal);
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

    private static async Task<string[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Split('\n');
    }
}
