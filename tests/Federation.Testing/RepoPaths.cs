namespace Federation.Testing;

/// <summary>Where things are in the repository, seen from a test assembly's bin directory.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the directory holding Federation.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The output of another project of the solution, built in the same configuration as the
    /// running tests: e.g. <c>ProjectOutput("tests/Federation.InteropServer", "Federation.InteropServer.dll")</c>.
    /// </summary>
    public static string ProjectOutput(string projectDirectory, string fileName)
    {
        // The test assembly lives in <project>/bin/<Configuration>/<TargetFramework>/.
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = baseDirectory.Name;
        var configuration = baseDirectory.Parent!.Name;
        var path = Path.Combine(Root, projectDirectory, "bin", configuration, framework, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing; build the solution first (dotnet build -c {configuration}).", path);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Federation.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Could not find Federation.sln above {AppContext.BaseDirectory}.");
    }
}
