using System.Diagnostics;

namespace Federation.Shared;

/// <summary>
/// A throwaway PostgreSQL cluster (the tests', and the demo's ministry with --ministry-postgresql): <c>initdb</c> into a temporary directory,
/// <c>pg_ctl start</c> listening on a Unix socket in that directory only (no TCP port to collide
/// with), and <c>pg_ctl stop</c> plus deletion at the end. Debian's server binaries
/// (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>) are used; PostgreSQL refuses to run as root, so
/// as root the cluster runs as the <c>postgres</c> user the package created. No mock: the real
/// server, as the ministry runs it.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private readonly string _bin;
    private readonly string _data;
    private readonly bool _asPostgres;

    private PostgresCluster(string bin, string root, bool asPostgres)
    {
        _bin = bin;
        Root = root;
        _data = Path.Combine(root, "data");
        _asPostgres = asPostgres;
    }

    /// <summary>The cluster's directory (data, socket, log).</summary>
    public string Root { get; }

    /// <summary>A connection string for the cluster's superuser, database <c>postgres</c>.</summary>
    public string ConnectionString => $"Host={Root};Port=5432;Username=federation;Database=postgres;Pooling=true;Maximum Pool Size=20";

    /// <summary>A connection string to <paramref name="database"/>, created on first use.</summary>
    public string Database(string database)
    {
        lock (_databases)
        {
            if (!_databases.Contains(database))
            {
                Run("psql", "-h", Root, "-p", "5432", "-U", "federation", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", $"CREATE DATABASE \"{database}\"");
                _databases.Add(database);
            }
        }
        return ConnectionString.Replace("Database=postgres", $"Database={database}", StringComparison.Ordinal);
    }

    private readonly HashSet<string> _databases = [];

    /// <summary>Writes <paramref name="database"/> to <paramref name="file"/> with <c>pg_dump -Fc</c> (the PostgreSQL store's backup).</summary>
    public void Dump(string database, string file)
    {
        Run(Path.Combine(_bin, "pg_dump"), "-h", Root, "-p", "5432", "-U", "federation", "-Fc", "-f", file, database);
    }

    /// <summary>Restores a <c>pg_dump -Fc</c> file into a new database <paramref name="database"/> with <c>pg_restore</c>.</summary>
    public string Restore(string file, string database)
    {
        var connectionString = Database(database);
        Run(Path.Combine(_bin, "pg_restore"), "-h", Root, "-p", "5432", "-U", "federation", "-d", database, "--exit-on-error", file);
        return connectionString;
    }

    /// <summary>Starts a new cluster; fails with what to install when the server is missing.</summary>
    public static PostgresCluster Start(string? root = null)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL's server (initdb, pg_ctl) is not installed: run scripts/install-peers.sh (Debian package postgresql).");
        }
        var asPostgres = Environment.UserName == "root";
        if (root is null)
        {
            RemoveStale();
            root = Path.Combine(Path.GetTempPath(), $"federation-pg-{Guid.NewGuid():N}");
        }
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        Directory.CreateDirectory(root);
        var cluster = new PostgresCluster(bin, root, asPostgres);
        try
        {
            if (asPostgres)
            {
                Exec("chown", "postgres:postgres", root);
            }
            cluster.Run(Path.Combine(bin, "initdb"), "-D", cluster._data, "-U", "federation", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync");
            cluster.StartServer();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    // A test host may be ended before its exit handlers finish deleting a cluster: remove the
    // temporary clusters left over an hour ago whose server is no longer running.
    private static void RemoveStale()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "federation-pg-*"))
        {
            try
            {
                var pid = Path.Combine(directory, "data", "postmaster.pid");
                var running = File.Exists(pid) && int.TryParse(File.ReadLines(pid).FirstOrDefault(), out var id) && Directory.Exists($"/proc/{id}");
                if (!running && Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddHours(-1))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Someone else's, or in use: leave it.
            }
        }
    }

    // Unix socket in the cluster's own directory only; durability off: a test cluster.
    private void StartServer() =>
        Run(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60", "-o",
            $"-c listen_addresses='' -k {Root} -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100", "start");

    /// <summary>
    /// Stops the server as an operator's <c>pg_ctl stop</c> does (fast: open sessions are ended and
    /// their transactions rolled back), keeping its data: the database that goes away (issue 25).
    /// </summary>
    public void Stop() => Run(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-m", "fast", "-w", "-t", "60", "stop");

    /// <summary>Starts the stopped server again, on the same socket, with its data.</summary>
    public void Restart() => StartServer();

    /// <summary>Stops the server (immediate shutdown: nothing to keep) and deletes its directory.</summary>
    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(_data, "postmaster.pid")))
            {
                Run(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-m", "immediate", "-w", "stop");
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Run(string program, params string[] arguments)
    {
        if (program == "psql")
        {
            program = Path.Combine(_bin, "psql");
        }
        if (_asPostgres)
        {
            Exec("runuser", ["-u", "postgres", "--", program, .. arguments]);
        }
        else
        {
            Exec(program, arguments);
        }
    }

    private static void Exec(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish within 2 minutes.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}{output.Result}");
        }
    }
}
