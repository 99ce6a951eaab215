using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;

namespace Federation.Testing;

/// <summary>
/// A real node daemon (src/Node) as its own process, from a config written into a temp
/// directory, listening on a port the OS chose. The node reports its address in its ready file;
/// tests never probe for free ports. Nodes serve mutual TLS with certificates of the directory's
/// <see cref="TestPki"/>, as a deployment does; <see cref="Channel(string?)"/> calls them as an account.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly ExternalProcess _process;

    private NodeProcess(ExternalProcess process, string configPath, Uri address, Uri? metrics, Uri? web)
    {
        WebAddress = web;
        Pki = TestPki.For(Path.GetDirectoryName(configPath)!);
        _process = process;
        ConfigPath = configPath;
        Address = address;
        Metrics = metrics;
    }

    public Uri Address { get; }

    /// <summary>The Prometheus scrape address, when the config sets Server:MetricsListen.</summary>
    public Uri? Metrics { get; }

    public string ConfigPath { get; }

    /// <summary>The web pages' address (docs/web.md), when the config sets Web:Listen (<see cref="WebConfig"/>).</summary>
    public Uri? WebAddress { get; }

    /// <summary>Config to merge (<c>extra</c> of <see cref="StartAsync(string, string, string, string, JsonObject?)"/>) for web pages on a free loopback port.</summary>
    public static JsonObject WebConfig() => new() { ["Web"] = new JsonObject { ["Listen"] = "https://127.0.0.1:0" } };

    /// <summary>The CA of the node's deployment (the test directory's).</summary>
    public TestPki Pki { get; }

    /// <summary>
    /// A channel to the node as <paramref name="account"/> (its certificate from <see cref="Pki"/>;
    /// null: no client certificate, anonymous), trusting only the deployment's CA.
    /// </summary>
    public GrpcChannel Channel(string? account = TestPki.Tester) => Channel(account is null ? null : Pki.Load(account));

    /// <summary>A channel to the node presenting <paramref name="certificate"/> (with its key; null: none).</summary>
    public GrpcChannel Channel(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        if (Address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = Federation.Shared.CertificateAuthority.TrustOnly(Pki.Authority);
            if (certificate is not null)
            {
                handler.SslOptions.ClientCertificates = [certificate];
                // Present it whatever the server's list of acceptable CAs says: tests show what the node does with it.
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
            }
        }
        return GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    /// <summary>
    /// An HTTP client for the node's web address and endpoint, trusting only the deployment's CA; it
    /// follows no redirect and keeps no cookie (a test sees each answer as it is).
    /// </summary>
    public HttpClient WebClient() => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = Federation.Shared.CertificateAuthority.TrustOnly(Pki.Authority) },
        AllowAutoRedirect = false,
        UseCookies = false,
    });

    /// <summary>fedctl's options to reach the node as <paramref name="account"/>: --node, --ca, --cert, --key.</summary>
    public string[] FedctlArgs(string account = TestPki.Tester) =>
        ["--node", Address.ToString(), "--ca", Pki.CaPath, "--cert", Path.Combine(Pki.Directory, account + ".pem"), "--key", Path.Combine(Pki.Directory, account + ".key")];

    public string Output => _process.Output;

    public ExternalProcess Process => _process;

    public static string NodeDll => RepoPaths.ProjectOutput("src/Node", "Federation.Node.dll");

    /// <summary>Writes a config for the node and starts it; <paramref name="extra"/> is merged into the config's root object.</summary>
    public static async Task<NodeProcess> StartAsync(string directory, string id, string level, string divisionCode, JsonObject? extra = null)
    {
        var configPath = await WriteConfigAsync(directory, id, level, divisionCode, extra);
        return await StartAsync(configPath, id);
    }

    /// <summary>
    /// Writes a node config (mutual TLS on a free loopback port, certificates from the directory's
    /// <see cref="TestPki"/>) and returns its path. The node's parent is taken to be
    /// <c>province-PP0000</c> for a city and <c>ministry</c> for a province, as the tests name
    /// them. The account <see cref="TestPki.Tester"/> is created in the node's security database
    /// with every role nationally.
    /// </summary>
    public static async Task<string> WriteConfigAsync(string directory, string id, string level, string divisionCode, JsonObject? extra = null)
    {
        var pki = TestPki.For(directory);
        var certificate = pki.Node(id, divisionCode);
        var node = new JsonObject { ["Id"] = id, ["Level"] = level, ["DivisionCode"] = divisionCode };
        if (DefaultParent(level, divisionCode) is { } parent)
        {
            node["ParentId"] = parent;
        }
        var config = new JsonObject
        {
            ["Node"] = node,
            ["Server"] = new JsonObject
            {
                ["Listen"] = "https://127.0.0.1:0",
                ["Tls"] = new JsonObject
                {
                    ["CertificatePath"] = certificate, ["KeyPath"] = Path.ChangeExtension(certificate, ".key"), ["ClientCaPath"] = pki.CaPath,
                },
            },
            // Every test calls from loopback, many of them with refused credentials on purpose (the
            // authorisation matrix): failed sign-ins are not throttled here unless a test says so
            // (the flood tests); everything else is as in production.
            ["Security"] = new JsonObject { ["CrlPath"] = pki.CrlPath, ["FailedSignInsFree"] = 1_000_000, ["FailedSignInsBeforeLockout"] = 0 },
            ["Log"] = new JsonObject { ["Directory"] = "logs", ["MinimumLevel"] = "Debug" },
        };
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                config[key] = value?.DeepClone();
            }
        }
        if (TestStore.Postgres && config["Store"] is null)
        {
            config["Store"] = new JsonObject { ["Provider"] = "postgresql", ["ConnectionString"] = TestStore.NewDatabase(id) };
        }
        var configPath = Path.Combine(directory, $"{id}.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var store = config["Store"]?["Path"]?.GetValue<string>() is { } path ? Path.GetFullPath(Path.Combine(directory, path)) : Path.Combine(directory, "data", id + ".db");
        pki.AddAccount(store, TestPki.Tester, new[] { "verifier", "analyst", "operator", "auditor", "administrator", "registrar" }.Select(role => (role, "000000")));
        return configPath;
    }

    /// <summary>Changes a written config.</summary>
    public static async Task EditConfigAsync(string configPath, Action<JsonObject> edit)
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(configPath))!.AsObject();
        edit(config);
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The parent the tests give a node: province-PP0000 for a city, ministry for a province.</summary>
    public static string? DefaultParent(string level, string divisionCode) => level switch
    {
        "city" => $"province-{divisionCode[..2]}0000",
        "province" => "ministry",
        _ => null,
    };

    /// <summary>Starts a node from an existing config; waits until it listens.</summary>
    public static async Task<NodeProcess> StartAsync(string configPath, string id)
    {
        var readyFile = Path.Combine(Path.GetDirectoryName(configPath)!, $"{id}.ready.json");
        File.Delete(readyFile);
        var process = ExternalProcess.Start("dotnet", [NodeDll, "--config", configPath, "--ready-file", readyFile]);
        await process.WaitForLineAsync($@"Node {System.Text.RegularExpressions.Regex.Escape(id)} \(.*\) version .* listening on");
        using var ready = JsonDocument.Parse(await File.ReadAllTextAsync(readyFile));
        var address = ready.RootElement.GetProperty("addresses")[0].GetString()!;
        var metrics = ready.RootElement.GetProperty("metrics").EnumerateArray().Select(m => new Uri(m.GetString()!)).FirstOrDefault();
        var web = ready.RootElement.TryGetProperty("web", out var webAddresses) ? webAddresses.EnumerateArray().Select(w => new Uri(w.GetString()!)).FirstOrDefault() : null;
        return new NodeProcess(process, configPath, new Uri(address), metrics, web);
    }

    /// <summary>
    /// Starts the node again from its config on the address it had (so its parent still finds
    /// it); the process must have exited.
    /// </summary>
    public async Task<NodeProcess> RestartAsync(string id)
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!.AsObject();
        config["Server"]!["Listen"] = Address.ToString().TrimEnd('/');
        if (WebAddress is not null)
        {
            config["Web"]!["Listen"] = WebAddress.ToString().TrimEnd('/');
        }
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return await StartAsync(ConfigPath, id);
    }

    /// <summary>Sends a signal (TERM, STOP, CONT, …) to the node's process.</summary>
    public void Signal(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with exit code {kill.ExitCode}");
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
