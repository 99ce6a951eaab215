using Federation.Node.Commands;
using Federation.Node.Configuration;
using Federation.Testing;
using Xunit;

namespace Federation.Node.Tests.Hosting;

/// <summary>Tree configuration: a node's children are checked at start-up, the whole tree by check-tree.</summary>
public sealed class TreeConfigTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static IReadOnlyList<string> Validate(string id, string level, string division, params ChildOptions[] children) =>
        NodeConfigValidator.Validate(new NodeOptions { Id = id, Level = level, DivisionCode = division, Children = [.. children] }, new ServerOptions(), new LogOptions());

    private static ChildOptions Child(string id, string division, int port = 7000) => new() { Id = id, DivisionCode = division, Address = $"http://127.0.0.1:{port}" };

    [Fact]
    public void Children_Consistent_NoErrors() =>
        Assert.Empty(Validate("province-440000", "province", "440000", Child("city-440100", "440100"), Child("city-440300", "440300")));

    [Theory]
    [InlineData("city-450100", "450100", "outside this node's jurisdiction 440000")]
    [InlineData("city-440106", "440106", "a province's children are prefecture-level cities")]
    [InlineData("province-440000", "440100", "a node cannot be its own child (a cycle)")]
    [InlineData("x", "449999", "not in the GB/T 2260 division table")]
    public void Children_Inconsistent_NamesTheChildAndTheRule(string childId, string division, string expected)
    {
        var errors = Validate("province-440000", "province", "440000", Child(childId, division));
        Assert.Contains(errors, e => e.StartsWith("Children[0]", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Children_DuplicateIdOrSharedDivision_AreRefused()
    {
        var errors = Validate("province-440000", "province", "440000", Child("a", "440100"), Child("a", "440300"), Child("b", "440100"));
        Assert.Contains(errors, e => e.Contains("Children[1]:Id 'a' is used twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Children[2]:DivisionCode 440100 is already served by child 'a'", StringComparison.Ordinal));
    }

    [Fact]
    public void Children_OfACity_AreRefused() =>
        Assert.Contains(Validate("city-440100", "city", "440100", Child("c", "440106")), e => e.Contains("a city node has no children", StringComparison.Ordinal));

    [Fact]
    public void Children_OfTheMinistry_AreProvinces() =>
        Assert.Contains(Validate("ministry", "ministry", "000000", Child("c", "440100")), e => e.Contains("a ministry's children are provinces", StringComparison.Ordinal));

    [Fact]
    public void CheckTree_DemoTree_IsConsistent()
    {
        var configs = Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", "demo-tree"), "*.json");
        Assert.Empty(TreeCheck.Check(configs, out var summary));
        Assert.Equal("1 ministry, 2 province(s), 4 city node(s)", summary);
    }

    [Fact]
    public void CheckTree_WrongAddressOrphanAndSecondParent_AreReported()
    {
        var ministry = Write("ministry", "ministry", "000000", 7300, parent: null, ("p1", "440000", 7301), ("p2", "320000", 7302));
        var p1 = Write("p1", "province", "440000", 7301, "ministry", ("c1", "440100", 7399));
        var p2 = Write("p2", "province", "320000", 7302, parent: null);
        var c1 = Write("c1", "city", "440100", 7303, "p2");
        var orphan = Write("c2", "city", "440300", 7304, "p1");

        var errors = TreeCheck.Check([ministry, p1, p2, c1, orphan], out _);

        Assert.Contains(errors, e => e.Contains("'p1' lists child 'c1' at http://127.0.0.1:7399, but it listens on http://127.0.0.1:7303", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'c2' (city) is not listed as a child by any node", StringComparison.Ordinal));
        // A child that names another parent would refuse its real parent's pulls.
        Assert.Contains(errors, e => e.Contains("'p1' lists child 'c1', whose Node:ParentId is 'p2'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'ministry' lists child 'p2', whose Node:ParentId is not set", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("lists child 'p1', whose", StringComparison.Ordinal));
    }

    private string Write(string id, string level, string division, int port, string? parent, params (string Id, string Division, int Port)[] children)
    {
        var path = _directory.File(id + ".json");
        var list = string.Join(",", children.Select(c => $$"""{ "Id": "{{c.Id}}", "DivisionCode": "{{c.Division}}", "Address": "http://127.0.0.1:{{c.Port}}" }"""));
        File.WriteAllText(path, $$"""
            { "Node": { "Id": "{{id}}", "Level": "{{level}}", "DivisionCode": "{{division}}"{{(parent is null ? "" : $", \"ParentId\": \"{parent}\"")}} },
              "Server": { "Listen": "http://127.0.0.1:{{port}}" }, "Children": [ {{list}} ] }
            """);
        return path;
    }
}
