using Federation.Node.Configuration;
using Federation.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Node.Tests.Reliability;

/// <summary>
/// Fuzzing of the node's config loader (issue 25, item 2): <see cref="NodeConfiguration.Load"/> on
/// JSON files mutated from the example configs (config/*.json and the demo tree's). Invariant: it
/// loads, or throws <see cref="NodeConfigurationException"/> naming the file with every problem —
/// never another exception, which the node would print as a stack trace instead of the setting to fix.
/// </summary>
public sealed class ConfigFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Tokens =
    [
        "null", "true", "false", "[]", "{}", "\"\"", "-1", "0", "1e999", "-1e999", "99999999999999999999", "\"00:00:00\"", "\"-00:00:01\"",
        "\"99.99:99:99\"", "\"abc\"", "\"Node\":", "\"Id\":", "\"Level\":", "\"DivisionCode\":", "\"Children\":", "\"Exchange\":", "\"PullEvery\":",
        "\"Server\":", "\"Listen\":", "\"Tls\":", "\"Store\":", "\"Provider\":", "\"Backup\":", "\"Security\":", "\"Ingest\":", "\"Log\":",
        "\"https://127.0.0.1:0\"", "\"http://[::1]:70000\"", "\"ministry\"", "\"province\"", "\"city\"", "\"000000\"", "\"440300\"", ":", ",",
        "//", "/*", "*/", "\"\\u0000\"", "\\", "{\"Id\":\"c\",\"Address\":\"http://x:1\",\"DivisionCode\":\"440100\"}", "\"postgresql\"",
        "\"MaxConcurrentPulls\":", "\"RetryInitial\":", "\"VerificationTimeout\":", "\"MaxUploadMiB\":", "\"Enabled\":", "\"DayOfMonth\":",
    ];

    private readonly TempDirectory _scratch = Fuzzer.Scratch();

    [Fact]
    public void NodeConfig_MutatedFiles_LoadOrAreRefusedNamingTheFile() =>
        Fuzzer.Run("config", 2000, Tokens, LoadOnce, output);

    // Found by fuzzing (corpus crash-6a7830a9.json): a key ending in ':' made the binder throw an
    // InvalidOperationException, which the node printed as a stack trace.
    [Fact]
    public void NodeConfig_SettingOfTheWrongShape_IsRefusedNamingItsSection()
    {
        var path = _scratch.File("node.json");
        File.WriteAllText(path, """{ "Node": { "Id": "city-440100", "Level": "city", "DivisionCode": "440100" }, "Server": { "Listen": "http://127.0.0.1:0", "MetricsListen:": "http://127.0.0.1:1" } }""");

        var refused = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(path, checkFiles: false));

        Assert.StartsWith("Server: a setting has the wrong shape (", Assert.Single(refused.Errors), StringComparison.Ordinal);
    }

    private void LoadOnce(FuzzCase c)
    {
        var path = _scratch.File("node.json");
        File.WriteAllBytes(path, c.Bytes);
        try
        {
            var config = NodeConfiguration.Load(path, checkFiles: c.Noise % 2 == 0);
            Assert.False(string.IsNullOrEmpty(config.Node.Id));
            Assert.True(Path.IsPathRooted(config.Store.Path) || config.Store.IsPostgres, config.Store.Path);
        }
        catch (NodeConfigurationException refused)
        {
            Assert.Contains(path, refused.Message, StringComparison.Ordinal);
            Assert.NotEmpty(refused.Errors);
            Assert.All(refused.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e)));
        }
    }

    public void Dispose() => _scratch.Dispose();
}
