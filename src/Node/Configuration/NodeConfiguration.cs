using System.Text.Json;

namespace Federation.Node.Configuration;

/// <summary>
/// A node's configuration, loaded from its JSON file (comments allowed) with environment
/// overrides (<c>FEDERATION_Server__Listen=...</c>), bound and validated.
/// Relative paths in the file are resolved against the file's directory.
/// </summary>
internal sealed class NodeConfiguration
{
    private NodeConfiguration(string path, IConfigurationRoot configuration, NodeOptions node, ServerOptions server, LogOptions log,
        Federation.Store.StoreOptions store, IngestOptions ingest, Exchange.ChildTlsSettings childTls, Security.SecurityOptions security, Security.SecurityPaths securityPaths,
        Backup.BackupOptions backup)
    {
        Backup = backup;
        Security = security;
        SecurityPaths = securityPaths;
        ChildTls = childTls;
        Store = store;
        Ingest = ingest;
        Path = path;
        Configuration = configuration;
        Node = node;
        Server = server;
        Log = log;
    }

    public string Path { get; }
    public Backup.BackupOptions Backup { get; }
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;
    public IConfigurationRoot Configuration { get; }
    public NodeOptions Node { get; }
    public ServerOptions Server { get; }
    public LogOptions Log { get; }
    public Federation.Store.StoreOptions Store { get; }
    public IngestOptions Ingest { get; }

    /// <summary>Section Security: CA, revocation list, audit key, public-check rate.</summary>
    public Security.SecurityOptions Security { get; }

    /// <summary>The security files (paths resolved; defaults applied).</summary>
    public Security.SecurityPaths SecurityPaths { get; }

    /// <summary>The registration service's journal file, <c>&lt;store&gt;.registration.db</c> beside the store path: the journal of a SQLite node; at a PostgreSQL node, a file copied into the database once and renamed aside (docs/operations.md).</summary>
    public string RegistrationJournalPath => Federation.Store.Sqlite.SqliteRegistrationJournal.PathFor(Store.Path);

    /// <summary>Section Web: the node's web pages (docs/web.md); off unless <c>Web:Listen</c> is set. Paths resolved.</summary>
    public Web.WebOptions Web { get; private init; } = new();

    /// <summary>Section Exchange: pulls, snapshot streams, routed verification.</summary>
    public ExchangeOptions Exchange { get; private init; } = new();

    /// <summary>The client certificate and CA a parent uses towards https children (paths resolved).</summary>
    public Exchange.ChildTlsSettings ChildTls { get; }

    /// <summary>
    /// Loads and validates; throws <see cref="NodeConfigurationException"/> listing every problem.
    /// <paramref name="checkFiles"/> false skips what depends on the node's own machine (its
    /// certificate, CA and CRL files): <c>check-tree</c> reads every node's config in one place.
    /// </summary>
    public static NodeConfiguration Load(string path, bool checkFiles = true)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new NodeConfigurationException(fullPath, [$"the config file does not exist (looked for {fullPath})."]);
        }
        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(fullPath, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables("FEDERATION_")
                .Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or FormatException)
        {
            throw new NodeConfigurationException(fullPath, [$"the file is not valid JSON: {(ex.InnerException ?? ex).Message}"]);
        }

        // A value of the wrong shape (an object where a string belongs, a list where an object does)
        // makes the binder throw; each section is bound on its own so the error names it (found
        // by fuzzing, issue 25: it escaped as an InvalidOperationException and a stack trace).
        var shapeErrors = new List<string>();
        T Bind<T>(string section, T fallback)
            where T : class
        {
            try
            {
                return configuration.GetSection(section).Get<T>() ?? fallback;
            }
            catch (InvalidOperationException ex)
            {
                shapeErrors.Add($"{section}: a setting has the wrong shape ({ex.Message}); config/city.json shows every setting's form.");
                return fallback;
            }
        }
        var node = Bind(NodeOptions.Section, new NodeOptions());
        node.Children = Bind<List<ChildOptions>>("Children", []);
        var server = Bind(ServerOptions.Section, new ServerOptions());
        var log = Bind(LogOptions.Section, new LogOptions());
        var store = Bind("Store", new Federation.Store.StoreOptions());
        var ingest = Bind(IngestOptions.Section, new IngestOptions());
        var security = Bind(Federation.Node.Security.SecurityOptions.Section, new Federation.Node.Security.SecurityOptions());
        var backup = Bind(Federation.Node.Backup.BackupOptions.Section, new Federation.Node.Backup.BackupOptions());
        var exchange = Bind(ExchangeOptions.Section, new ExchangeOptions());
        if (shapeErrors.Count > 0)
        {
            throw new NodeConfigurationException(fullPath, shapeErrors);
        }

        var directory = System.IO.Path.GetDirectoryName(fullPath)!;
        log.Directory = Resolve(directory, log.Directory);
        store.Path = Resolve(directory, string.IsNullOrWhiteSpace(store.Path) ? System.IO.Path.Combine("data", $"{node.Id}.db") : store.Path);
        store.NodeId = node.Id;
        ingest.RejectsDirectory = Resolve(directory, ingest.RejectsDirectory);
        if (server.Tls is { } tls)
        {
            tls.CertificatePath = Resolve(directory, tls.CertificatePath);
            tls.KeyPath = Resolve(directory, tls.KeyPath);
            tls.ClientCaPath = tls.ClientCaPath is null ? null : Resolve(directory, tls.ClientCaPath);
        }

        if (security.National && server.Tls is { } signing)
        {
            security.Sm2CertificatePath = ResolveOptional(directory, security.Sm2CertificatePath) ?? System.IO.Path.ChangeExtension(signing.CertificatePath, ".sm2.pem");
            security.Sm2KeyPath = ResolveOptional(directory, security.Sm2KeyPath) ?? System.IO.Path.ChangeExtension(signing.KeyPath, ".sm2.key");
        }
        var securityPaths = new Federation.Node.Security.SecurityPaths(
            ResolveOptional(directory, security.CaPath) ?? server.Tls?.ClientCaPath,
            ResolveOptional(directory, security.CrlPath),
            ResolveOptional(directory, security.AuditKeyPath) ?? System.IO.Path.ChangeExtension(store.Path, null) + ".audit.key",
            Federation.Store.Security.SecurityDatabase.PathFor(store.Path));

        backup.Directory = string.IsNullOrWhiteSpace(backup.Directory)
            ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(store.Path)!, "backups")
            : Resolve(directory, backup.Directory);
        backup.RegistrationJournalPath = Federation.Store.Sqlite.SqliteRegistrationJournal.PathFor(store.Path);

        var errors = NodeConfigValidator.Validate(node, server, log, checkFiles).ToList();
        errors.AddRange(backup.Problems());
        if (!store.IsPostgres && !string.Equals(store.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Store:Provider is '{store.Provider}'; it must be sqlite (default) or postgresql.");
        }
        if (store.IsPostgres && string.IsNullOrWhiteSpace(store.ConnectionString))
        {
            errors.Add("Store:ConnectionString is empty; with Store:Provider postgresql it names the database, e.g. Host=/var/run/postgresql;Database=federation;Username=federation.");
        }
        errors.AddRange(NodeConfigValidator.ValidateSecurity(node, server, security, securityPaths, checkFiles));
        // Towards https children a parent presents its own server certificate and trusts the CA it
        // accepts callers from, unless Exchange:Tls names others: one private CA per deployment.
        var childTls = new Exchange.ChildTlsSettings(
            ResolveOptional(directory, exchange.Tls?.CaPath) ?? server.Tls?.ClientCaPath,
            ResolveOptional(directory, exchange.Tls?.CertificatePath) ?? NonEmpty(server.Tls?.CertificatePath),
            ResolveOptional(directory, exchange.Tls?.KeyPath) ?? NonEmpty(server.Tls?.KeyPath));
        foreach (var (setting, file) in new[] { ("Exchange:Tls:CaPath", childTls.CaPath), ("Exchange:Tls:CertificatePath", childTls.CertificatePath), ("Exchange:Tls:KeyPath", childTls.KeyPath) })
        {
            if (checkFiles && file is not null && !File.Exists(file) && node.Children.Any(c => c.Address.StartsWith("https:", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{setting} (or the Server:Tls file it defaults to) is '{file}', which does not exist; a parent needs it to call its https children.");
            }
        }
        if (exchange.PullEvery < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Exchange:PullEvery is {exchange.PullEvery}; it must be at least 00:00:01.");
        }
        if (exchange.MaxSendKiBPerSecond < 0)
        {
            errors.Add($"Exchange:MaxSendKiBPerSecond is {exchange.MaxSendKiBPerSecond}; it must be 0 (no cap) or more.");
        }
        if (exchange.MaxConcurrentPulls is < 1 or > 64)
        {
            errors.Add($"Exchange:MaxConcurrentPulls is {exchange.MaxConcurrentPulls}; it must be between 1 and 64.");
        }
        if (exchange.MaxSnapshotStreams is < 1 or > 256)
        {
            errors.Add($"Exchange:MaxSnapshotStreams is {exchange.MaxSnapshotStreams}; it must be between 1 and 256.");
        }
        if (exchange.ReserveDiskMiB is < 0 or > 1_048_576)
        {
            errors.Add($"Exchange:ReserveDiskMiB is {exchange.ReserveDiskMiB}; it must be between 0 (no reserve) and 1048576.");
        }
        if (exchange.RetryInitial <= TimeSpan.Zero || exchange.RetryMax < exchange.RetryInitial)
        {
            errors.Add($"Exchange:RetryInitial ({exchange.RetryInitial}) must be positive and Exchange:RetryMax ({exchange.RetryMax}) at least as long.");
        }
        if (exchange.VerificationTimeout < TimeSpan.FromMilliseconds(10) || exchange.VerificationTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Exchange:VerificationTimeout is {exchange.VerificationTimeout}; it must be between 00:00:00.010 and 00:01:00.");
        }
        var web = configuration.GetSection(Federation.Node.Web.WebOptions.Section).Get<Federation.Node.Web.WebOptions>() ?? new Federation.Node.Web.WebOptions();
        web.CertificatePath = ResolveOptional(directory, web.CertificatePath);
        web.KeyPath = ResolveOptional(directory, web.KeyPath);
        errors.AddRange(web.Problems(server.Listen, server.Tls is not null));
        if (errors.Count > 0)
        {
            throw new NodeConfigurationException(fullPath, errors);
        }
        return new NodeConfiguration(fullPath, configuration, node, server, log, store, ingest, childTls, security, securityPaths, backup) { Web = web, Exchange = exchange };
    }

    private static string? ResolveOptional(string directory, string? path) => string.IsNullOrWhiteSpace(path) ? null : Resolve(directory, path);

    private static string? NonEmpty(string? path) => string.IsNullOrWhiteSpace(path) ? null : path;

    private static string Resolve(string directory, string path) =>
        string.IsNullOrWhiteSpace(path) || System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, path));
}

/// <summary>The node's configuration is unusable; <see cref="Exception.Message"/> says why, setting by setting.</summary>
internal sealed class NodeConfigurationException(string path, IReadOnlyList<string> errors)
    : Exception($"Configuration error in {path}:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
