namespace Federation.Node.Configuration;

/// <summary>How a parent pulls its children: section <c>Exchange</c> of the JSON config.</summary>
internal sealed class ExchangeOptions
{
    public const string Section = "Exchange";

    /// <summary>
    /// How often each child is asked for its latest sealed period; a new period is transferred at
    /// once, a known one costs one small call. The first check runs at start-up, which catches up
    /// on periods sealed while this node was down. Defaults to 1 hour.
    /// </summary>
    public TimeSpan PullEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A child's cap on the snapshot data it sends per second, in KiB (0 = no cap): a city on a
    /// thin line to its province keeps bandwidth for its own agencies. Defaults to 0.
    /// </summary>
    public int MaxSendKiBPerSecond { get; set; }

    /// <summary>
    /// At most this many snapshot streams are sent at the same time (to the parent, or to a
    /// <c>pull</c> command run with the parent's certificate); one more is refused with
    /// RESOURCE_EXHAUSTED naming this setting, and the parent's pull retries. Each stream holds at
    /// most one batch (1 MiB) read ahead of a slow reader, so this bounds the memory streams cost.
    /// 1 … 256; defaults to 8 (a parent opens one stream per child at a time).
    /// </summary>
    public int MaxSnapshotStreams { get; set; } = 8;

    /// <summary>
    /// Free space, in MiB, a pull leaves on the disk holding a SQLite store: a transfer stops
    /// (RESOURCE_EXHAUSTED, nothing committed, resumable) before it would take it, so that the
    /// audit log and reads go on. 0 = none. 0 … 1,048,576; defaults to 256.
    /// </summary>
    public int ReserveDiskMiB { get; set; } = 256;

    /// <summary>At most this many children are transferred at the same time. Defaults to 2.</summary>
    public int MaxConcurrentPulls { get; set; } = 2;

    /// <summary>Median first retry delay after a failed pull; grows exponentially per failure (jittered) up to <see cref="RetryMax"/>. Defaults to 30 seconds.</summary>
    public TimeSpan RetryInitial { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest retry delay. Defaults to 30 minutes.</summary>
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Longest wait for a child's answer to a routed verification (less when the caller's
    /// deadline is nearer); after it, the node answers from its copy of the child's last snapshot.
    /// Defaults to 2 seconds.
    /// </summary>
    public TimeSpan VerificationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether the daemon pulls on its own. Defaults to true; false leaves pulls to the <c>pull</c> command.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// TLS towards children at https addresses. Each path defaults to the node's own
    /// <c>Server:Tls</c> setting: its certificate and key as the client certificate, its
    /// <c>ClientCaPath</c> as the CA the children's certificates must chain to.
    /// </summary>
    public ChildTlsOptions? Tls { get; set; }
}

/// <summary>Section <c>Exchange:Tls</c>: PEM files, relative to the config file.</summary>
internal sealed class ChildTlsOptions
{
    /// <summary>The CA that children's server certificates must chain to.</summary>
    public string? CaPath { get; set; }

    /// <summary>The certificate this node presents to its children.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>That certificate's private key.</summary>
    public string? KeyPath { get; set; }
}
