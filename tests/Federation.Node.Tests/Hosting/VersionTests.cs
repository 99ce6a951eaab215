using System.Text.RegularExpressions;
using System.Xml.Linq;
using Federation.Node.Configuration;
using Federation.Testing;
using Xunit;

namespace Federation.Node.Tests.Hosting;

/// <summary>One version, from one place (issue 22): Directory.Build.props; the binary reports it and no doc writes another.</summary>
public sealed class VersionTests
{
    [Fact]
    public void Version_IsDirectoryBuildProps_InTheBinaryAndTheDocs()
    {
        // Arrange
        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var version = props.Descendants("Version").Single().Value;

        // Act
        var written = Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Append(Path.Combine(RepoPaths.Root, "README.md"))
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), @"federation-node-(\d+\.\d+\.\d+)").Select(m => (File: Path.GetFileName(file), Version: m.Groups[1].Value)))
            .ToList();

        // Assert
        Assert.Equal(version, NodeIdentity.Version);
        Assert.All(written, w => Assert.Equal((w.File, version), (w.File, w.Version)));
    }
}
