using System.Text.Json.Nodes;
using Federation.Standards;
using Federation.Store.Postgres;
using Federation.Store.Registration;
using Federation.Store.Sqlite;
using Federation.Testing;
using Xunit;

namespace Federation.Tests.Exchange;

/// <summary>
/// The registration tests' tree, each node its own process in a directory of its own: a ministry
/// over one province over the given cities (the province is the first city's, e.g. 440000 for
/// 440100). <see cref="StartAsync(string[])"/> returns once the ministry's applications stream to the
/// province is open, so the ministry knows which cities have a node. Disposing kills every node
/// still running and removes the directory.
/// </summary>
internal sealed class RegistrationTree : IAsyncDisposable
{
    /// <summary>How long a change may take to travel the tree on a busy 2-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _directory;
    private readonly Dictionary<string, NodeProcess?> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProcess> _killed = new(StringComparer.Ordinal);

    private RegistrationTree(TempDirectory directory, string provinceId)
    {
        _directory = directory;
        ProvinceId = provinceId;
    }

    /// <summary>The directory holding every node's config, store and journal (<c>data/&lt;id&gt;.registration.db</c>, or the node's PostgreSQL database).</summary>
    public string Directory => _directory.Path;

    /// <summary>The province's node id, <c>province-PP0000</c>.</summary>
    public string ProvinceId { get; }

    public NodeProcess Ministry => Node("ministry");

    public NodeProcess Province => Node(ProvinceId);

    /// <summary>The city node of <paramref name="code"/> (e.g. 440100; its id is <c>city-440100</c>).</summary>
    public NodeProcess City(string code) => Node("city-" + code);

    /// <summary>Starts the cities, the province over them and the ministry over the province.</summary>
    public static Task<RegistrationTree> StartAsync(params string[] cityCodes) => StartAsync(null, null, cityCodes);

    /// <summary>
    /// The same tree with the ministry's store section <paramref name="ministryStore"/> (null: as
    /// every node's), <paramref name="beforeMinistry"/> run on the tree's directory just before the
    /// ministry starts.
    /// </summary>
    public static async Task<RegistrationTree> StartAsync(JsonObject? ministryStore, Action<string>? beforeMinistry, params string[] cityCodes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(cityCodes.Length);
        var province = cityCodes[0][..2] + "0000";
        var tree = new RegistrationTree(new TempDirectory(), "province-" + province);
        try
        {
            foreach (var code in cityCodes)
            {
                tree._nodes["city-" + code] = await NodeProcess.StartAsync(tree.Directory, "city-" + code, "city", code);
            }
            tree._nodes[tree.ProvinceId] = await Tree.StartParentAsync(tree.Directory, tree.ProvinceId, "province", province,
                [.. cityCodes.Select(code => ("city-" + code, code, tree.City(code).Address))]);
            beforeMinistry?.Invoke(tree.Directory);
            tree._nodes["ministry"] = ministryStore is null
                ? await Tree.StartParentAsync(tree.Directory, "ministry", "ministry", "000000", (tree.ProvinceId, province, tree.Province.Address))
                : await NodeProcess.StartAsync(tree.Directory, "ministry", "ministry", "000000", new JsonObject
                {
                    ["Children"] = new JsonArray(new JsonObject { ["Id"] = tree.ProvinceId, ["DivisionCode"] = province, ["Address"] = tree.Province.Address.ToString() }),
                    ["Exchange"] = new JsonObject { ["Enabled"] = false, ["VerificationTimeout"] = "00:00:02" },
                    ["Store"] = ministryStore.DeepClone(),
                });
            using var national = Tree.Client(tree.Ministry);
            await EventuallyAsync(async () => (await national.GetNodeStatusAsync()).Registration.Links.SingleOrDefault()?.ApplicationsConnected == true ? true : (bool?)null,
                "the ministry's applications stream to the province opens");
            return tree;
        }
        catch
        {
            await tree.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the node <paramref name="id"/> (a crash, not a stop); <see cref="RestartAsync"/> brings it back.</summary>
    public async Task KillAsync(string id)
    {
        var node = Node(id);
        _nodes[id] = null;
        await node.DisposeAsync();
        _killed[id] = node;
    }

    /// <summary>Starts a killed node again from its config, on the address its parent knows.</summary>
    public async Task<NodeProcess> RestartAsync(string id)
    {
        Assert.True(_killed.Remove(id, out var killed), $"{id} was not killed");
        var node = await killed.RestartAsync(id);
        _nodes[id] = node;
        return node;
    }

    /// <summary>The registration journal of node <paramref name="id"/> where the node keeps it: its file, or its PostgreSQL database.</summary>
    public IRegistrationJournal OpenJournal(string id) =>
        ConnectionString(id) is { } database ? PostgresRegistrationJournal.Open(database) : SqliteRegistrationJournal.Open(JournalFile(id));

    /// <summary>Moves node <paramref name="id"/>'s cursor <paramref name="link"/> back to 0 in the same epoch (a replay, not a replaced journal); the node stopped.</summary>
    public async Task RewindCursorAsync(string id, string link)
    {
        await using System.Data.Common.DbConnection connection = ConnectionString(id) is { } database
            ? new Npgsql.NpgsqlConnection(database)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={JournalFile(id)};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = connection is Npgsql.NpgsqlConnection
            ? "UPDATE registration.cursors SET value = 0 WHERE link = @link"
            : "UPDATE cursors SET value = 0 WHERE link = @link";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@link";
        parameter.Value = link;
        command.Parameters.Add(parameter);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private string JournalFile(string id) => Path.Combine(Directory, "data", id + ".registration.db");

    // The node's PostgreSQL database, when its config puts its store there (FEDERATION_TEST_STORE=postgresql).
    private string? ConnectionString(string id)
    {
        var store = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, id + ".json")))?["Store"];
        return string.Equals(store?["Provider"]?.GetValue<string>(), "postgresql", StringComparison.OrdinalIgnoreCase) ? store!["ConnectionString"]!.GetValue<string>() : null;
    }

    private NodeProcess Node(string id) =>
        _nodes.GetValueOrDefault(id) ?? throw new InvalidOperationException($"{id} is not running in this tree");

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values.Reverse())
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
        _nodes.Clear();
        _directory.Dispose();
    }

    /// <summary>A valid GB 11643 citizen ID from its address code, birth date and sequence (odd = male).</summary>
    public static string Citizen(string address, string birth, string sequence)
    {
        var first17 = address + birth + sequence;
        return first17 + CitizenId.CheckCharacter(first17);
    }

    /// <summary>Probes until it returns a value, for at most <see cref="Patience"/>; fails naming <paramref name="what"/>.</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : class => Poll.ForAsync(probe, Patience, what);

    /// <summary>Probes until it returns true, for at most <see cref="Patience"/>; fails naming <paramref name="what"/>.</summary>
    public static Task EventuallyAsync(Func<Task<bool?>> probe, string what) => Poll.UntilAsync(probe, answer => answer == true, Patience, what);
}
