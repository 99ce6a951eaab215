using System.Text.Json.Nodes;
using Federation.Client;
using Federation.DataGen;
using Federation.Protocol.V1;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>Building blocks of the tree tests: cities with sealed generated data, parents over them, resyncs followed to the end.</summary>
internal static class Tree
{
    public const string Period = "2026-10-31";

    /// <summary>Generates a city's export (optionally changed by <paramref name="edit"/>), imports and seals it; returns the config path.</summary>
    public static async Task<string> PrepareCityAsync(string directory, string code, int persons, int seed, Action<string>? edit = null)
    {
        var export = Path.Combine(directory, "export-" + code);
        ExportGenerator.Generate(new GeneratorOptions { CityCode = code, Persons = persons, Seed = seed, IdOffset = seed * 1000 }, export);
        edit?.Invoke(export);
        var config = await NodeProcess.WriteConfigAsync(directory, "city-" + code, "city", code);
        await using var ingest = ExternalProcess.Start("dotnet", [NodeProcess.NodeDll, "ingest", "--config", config, export, "--seal", Period]);
        Assert.Equal(0, await ingest.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        return config;
    }

    /// <summary>Starts a parent over the given children; it pulls only when told to (resync), so tests decide when.</summary>
    public static Task<NodeProcess> StartParentAsync(string directory, string id, string level, string code, params (string Id, string Code, Uri Address)[] children) =>
        NodeProcess.StartAsync(directory, id, level, code, new JsonObject
        {
            ["Children"] = new JsonArray([.. children.Select(c => (JsonNode)new JsonObject { ["Id"] = c.Id, ["DivisionCode"] = c.Code, ["Address"] = c.Address.ToString() })]),
            ["Exchange"] = new JsonObject { ["Enabled"] = false, ["VerificationTimeout"] = "00:00:02" },
        });

    /// <summary>A client of <paramref name="node"/> signed in as <paramref name="account"/> (default: the harness's tester).</summary>
    public static FederationClient Client(NodeProcess node, Action<FederationClientOptions>? configure = null, string account = TestPki.Tester)
    {
        var options = new FederationClientOptions
        {
            Address = node.Address.ToString(),
            ServerCertificateAuthority = node.Pki.Authority,
            ClientCertificate = node.Pki.Load(account),
        };
        configure?.Invoke(options);
        return new FederationClient(options);
    }

    /// <summary>Triggers a resync of every child and follows it to the end.</summary>
    public static async Task<Operation> ResyncAsync(FederationClient client, Action<Operation>? observe = null)
    {
        var operation = await client.TriggerResyncAsync();
        return operation.State != OperationState.Running ? operation : await Poll.UntilAsync(async () =>
        {
            var now = await client.GetOperationAsync(operation.Id);
            observe?.Invoke(now);
            return now;
        }, now => now.State != OperationState.Running, TimeSpan.FromMinutes(2), "the resync finished", TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Probes until it returns a value (polling every 100 ms), failing with <paramref name="what"/> after <paramref name="patience"/> (default 90 s: a busy 2-core machine).</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? patience = null) where T : class =>
        Poll.ForAsync(probe, patience ?? TimeSpan.FromSeconds(90), what);

    /// <summary>Probes until the condition holds (see <see cref="EventuallyAsync{T}"/>).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null) =>
        EventuallyAsync(async () => await condition() ? "" : null, what, patience);
}
