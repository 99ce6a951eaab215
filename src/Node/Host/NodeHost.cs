using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Federation.Node.Admin;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Serilog;

namespace Federation.Node.Host;

/// <summary>
/// Builds the node's web host on the official gRPC stack: Kestrel endpoints (gRPC, metrics on a
/// port of its own, the pages' address), Serilog and systemd integration, then maps the services.
/// What the node is made of is registered in one place, <c>NodeComposition</c>.
/// </summary>
internal static class NodeHost
{
    public static WebApplication Build(NodeConfiguration config, string? readyFile)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = config.Directory,
            // The node's settings come from its own file, read once. The host's default
            // appsettings.json source would otherwise watch the content root recursively — the
            // config's directory, where the store, the audit log and the logs are written — and
            // wake a thread for every write (measured: a fifth of the CPU under load).
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Configuration.AddConfiguration(config.Configuration);
        // Type=notify under systemd (ready once listening, stopping on SIGTERM); nothing otherwise.
        builder.Host.UseSystemd();
        builder.Services.AddSerilog((_, logger) => NodeLogging.Configure(logger, config));

        // Kestrel fills in the bound port (for port 0) once it listens.
        ListenOptions? metricsEndpoint = null;
        var webEndpoint = new Web.WebEndpoint();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            ConfigureEndpoint(kestrel, config.Server, kestrel.ApplicationServices.GetRequiredService<DeploymentAuthority>());
            Web.WebHosting.Listen(kestrel, config, webEndpoint);
            if (config.Server.MetricsListen is { } metrics)
            {
                Listen(kestrel, new Uri(metrics), listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    metricsEndpoint = listen;
                });
            }
        });

        // Everything the node is made of: the one composition root.
        builder.Services.AddFederationNodeServer(config);
        builder.Services.AddSingleton(webEndpoint);

        var app = builder.Build();
        // The first forwarded call after a start would otherwise pay for the signature check's
        // first use of the crypto library and the JIT, within a parent's per-hop deadline.
        app.Services.GetRequiredService<Security.CallerProofVerifier>().WarmUp();
        if (config.Server.MetricsListen is not null)
        {
            // Only on the metrics port: the gRPC endpoint never answers /metrics.
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Request.Path == "/metrics" && context.Connection.LocalPort == metricsEndpoint?.IPEndPoint?.Port);
        }
        app.UseGrpcCallMetrics();
        Web.WebHosting.UseWeb(app, config);
        app.MapGrpcService<AdminService>();
        app.MapGrpcService<Statistics.StatisticsService>();
        app.MapGrpcService<Ingest.IngestService>();
        app.MapGrpcService<Exchange.Child.ExchangeService>();
        app.MapGrpcService<Verification.VerificationService>();
        app.MapGrpcService<Registration.RegistrationService>();
        app.MapGrpcService<Security.AccountsService>();
        app.MapGrpcService<Security.AuditService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();

        var lifetime = app.Lifetime;
        lifetime.ApplicationStarted.Register(() => OnStarted(app, config, readyFile, metricsEndpoint?.IPEndPoint?.Port, webEndpoint.Port));
        lifetime.ApplicationStopping.Register(() =>
        {
            NodeHealth.MarkAllNotServing(app.Services);
            NodeLog.NodeStopping(app.Logger, config.Node.Id);
        });
        return app;
    }

    private static void ConfigureEndpoint(KestrelServerOptions kestrel, ServerOptions server, DeploymentAuthority deployment)
    {
        var uri = new Uri(server.Listen);
        Listen(kestrel, uri, listen =>
        {
            if (uri.Scheme == Uri.UriSchemeHttps && server.Tls is { } tls)
            {
                // TLS negotiates HTTP/2 with ALPN; HTTP/1.1 is allowed only so that a wrong client
                // gets a clear "gRPC needs HTTP/2" answer instead of a failed handshake.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = Federation.Shared.CertificateAuthority.LoadPemWithKey(tls.CertificatePath, tls.KeyPath),
                    ClientCertificateMode = tls.ClientCertificates switch
                    {
                        "require" => ClientCertificateMode.RequireCertificate,
                        "allow" => ClientCertificateMode.AllowCertificate,
                        _ => ClientCertificateMode.NoCertificate,
                    },
                    // With "allow" the handshake takes any certificate and authentication judges it
                    // (chain, validity, revocation, identity), so a refused caller is told why
                    // instead of seeing a broken connection; "require" refuses foreign chains at
                    // the handshake as well.
                    ClientCertificateValidation = tls.ClientCertificates == "require" && tls.ClientCaPath is not null
                        ? ClientCertificateValidator(deployment.Load(tls.ClientCaPath)!)
                        : (_, _, _) => true,
                });
            }
            else
            {
                // Cleartext: HTTP/2 with prior knowledge (h2c). Without TLS there is no ALPN, so
                // the endpoint must be HTTP/2-only.
                listen.Protocols = HttpProtocols.Http2;
            }
        });
    }

    internal static void Listen(KestrelServerOptions kestrel, Uri uri, Action<ListenOptions> configure)
    {
        if (uri.Host is "localhost")
        {
            kestrel.Listen(IPAddress.Loopback, uri.Port, configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, uri.Port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(uri.Port, configure);
        }
    }

    private static Func<X509Certificate2, X509Chain?, System.Net.Security.SslPolicyErrors, bool> ClientCertificateValidator(X509Certificate2 authority) =>
        (certificate, _, _) => Federation.Shared.CertificateAuthority.Issued(authority, certificate);

    private static void OnStarted(WebApplication app, NodeConfiguration config, string? readyFile, int? metricsPort, int? webPort)
    {
        var identity = app.Services.GetRequiredService<NodeIdentity>();
        _ = app.Services.GetRequiredService<Federation.Store.ISealedPeriods>(); // open (and check) the store before declaring the node ready
        _ = app.Services.GetRequiredService<Federation.Store.Security.AccountStore>();
        _ = app.Services.GetRequiredService<Federation.Store.Security.AuditLog>();
        if (app.Services.GetRequiredService<Ingest.IngestDirectories>().CleanSpool() is > 0 and var cleaned)
        {
            NodeLog.SpoolCleaned(app.Logger, cleaned);
        }
        if (!config.Store.IsPostgres && Federation.Store.Sqlite.SqliteBackups.DeleteRestoreLeftovers(config.Store.Path, config.SecurityPaths.DatabasePath) is > 0 and var copies)
        {
            Errors.FaultLog.RestoreLeftoversDeleted(app.Logger, copies);
        }
        NodeHealth.PublishNow(app.Services);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var metrics = bound.Where(a => metricsPort is not null && new Uri(a).Port == metricsPort).Select(a => a + "/metrics").ToList();
        // The web pages' address is reported on its own (and logged, event 2900): Server:Listen's are the gRPC endpoint's.
        var web = bound.Where(a => webPort is not null && new Uri(a).Port == webPort).ToList();
        var addresses = bound.Where(a => (metricsPort is null || new Uri(a).Port != metricsPort) && (webPort is null || new Uri(a).Port != webPort)).ToList();
        identity.ListenAddresses = addresses;
        if (readyFile is not null)
        {
            // Written atomically (temp file, then rename) so a watcher never reads half a file.
            var json = JsonSerializer.Serialize(new { nodeId = identity.Id, addresses, metrics, web, pid = Environment.ProcessId });
            var temp = readyFile + ".tmp";
            File.WriteAllText(temp, json);
            File.Move(temp, readyFile, overwrite: true);
            NodeLog.ReadyFileWritten(app.Logger, readyFile);
        }
        foreach (var address in web)
        {
            Web.WebLog.Listening(app.Logger, address);
        }
        // Logged last: whoever waits for this line can rely on the ready file being there.
        NodeLog.NodeStarted(app.Logger, identity.Id, identity.Level.Name(), identity.DivisionCode, NodeIdentity.Version, string.Join(", ", addresses));
    }
}
