using Xunit;

namespace Federation.Tests;

/// <summary>
/// Tests that start a database server or a whole tree on fixed ports run by themselves, not beside
/// the timing-sensitive tree tests on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
