using Federation.Node.Configuration;
using Federation.Node.Host;
using Federation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Federation.Node.Tests.Hosting;

/// <summary>
/// The composition root (issue 23): every config section is bound once — the services get the
/// very objects <see cref="NodeConfiguration.Load"/> bound, resolved and checked — and the
/// deployment CA is read once and handed to whoever asks for the same file.
/// </summary>
public sealed class NodeCompositionTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Services_GetTheSectionsTheConfigBound()
    {
        var config = NodeConfiguration.Load(WriteConfig(), checkFiles: false);
        await using var services = NodeComposition.BuildForCommand(config, consoleLog: false);

        Assert.Same(config.Security, services.GetRequiredService<IOptions<Federation.Node.Security.SecurityOptions>>().Value);
        Assert.Same(config.Exchange, services.GetRequiredService<IOptions<ExchangeOptions>>().Value);
        Assert.Same(config.Web, services.GetRequiredService<IOptions<Federation.Node.Web.WebOptions>>().Value);
        Assert.Equal(TimeSpan.FromMinutes(7), config.Exchange.PullEvery);
        // One CA for the node: the file Security:CaPath names, resolved against the config's directory.
        Assert.Equal(Path.Combine(_directory.Path, "pki", "ca.pem"), services.GetRequiredService<DeploymentAuthority>().Path);
    }

    [Fact]
    public void DeploymentAuthority_ReadsTheCaOnce_AndHandsItToWhoeverAsksForTheSameFile()
    {
        var pki = TestPki.For(_directory.Path);
        var authority = new DeploymentAuthority(pki.CaPath);

        var first = authority.Certificate;
        Assert.NotNull(first);
        Assert.Equal(pki.Authority.Thumbprint, first.Thumbprint);
        Assert.Same(first, authority.Certificate);
        Assert.Same(first, authority.Load(pki.CaPath));
        Assert.Same(first, authority.Load(Path.Combine(pki.Directory, "..", "pki", "ca.pem")));
        Assert.Null(authority.Load(null));

        // Another file (Exchange:Tls:CaPath may name one) is read from that file.
        var other = _directory.File("other-ca.pem");
        File.Copy(pki.CaPath, other);
        var fromOther = authority.Load(other);
        Assert.NotSame(first, fromOther);
        Assert.Equal(first.Thumbprint, fromOther!.Thumbprint);

        Assert.Null(new DeploymentAuthority(null).Certificate);
    }

    private string WriteConfig()
    {
        TestPki.For(_directory.Path);
        var path = _directory.File("city.json");
        File.WriteAllText(path, """
            { "Node": { "Id": "city-440100", "Level": "city", "DivisionCode": "440100" },
              "Store": { "Path": "data/city.db" },
              "Log": { "Directory": "logs" },
              "Security": { "CaPath": "pki/ca.pem" },
              "Exchange": { "PullEvery": "00:07:00" } }
            """);
        return path;
    }
}
