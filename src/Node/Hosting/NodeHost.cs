using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Federation.Node.Admin;
using Federation.Protocol;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Serilog;

namespace Federation.Node.Hosting;

/// <summary>Builds the node's web host: Kestrel endpoint, gRPC services, logging, lifecycle.</summary>
internal static class NodeHost
{
    public static WebApplication Build(NodeConfiguration config, string? readyFile)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = config.Directory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Configuration.AddConfiguration(config.Configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(NodeLogging.Create(config.Node, config.Log), dispose: true);

        builder.WebHost.ConfigureKestrel(kestrel => ConfigureEndpoint(kestrel, config.Server));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(config.Node);
        builder.Services.AddSingleton<NodeIdentity>();
        builder.Services.AddSingleton(_ => Federation.Store.FederationStore.Open(config.Store));
        builder.Services.AddOptions<ExchangeOptions>().Bind(builder.Configuration.GetSection(ExchangeOptions.Section));
        builder.Services.AddSingleton<Exchange.Parent.PeriodSealer>();
        builder.Services.AddSingleton<Exchange.Parent.PullCoordinator>();
        builder.Services.AddSingleton<Exchange.Parent.ResyncOperations>();
        builder.Services.AddHostedService<Exchange.Parent.ChildPullScheduler>();
        builder.Services.AddSingleton<Verification.ChildChannels>();
        builder.Services.AddSingleton(new Ingest.IngestDirectories(
            Path.Combine(Path.GetDirectoryName(config.Store.Path)!, "uploads"), config.Ingest.RejectsDirectory));
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = config.Server.MaxReceiveMessageSize;
            options.EnableDetailedErrors = config.Server.EnableDetailedErrors;
        }).AddStandardServices();

        var app = builder.Build();
        app.MapGrpcService<AdminService>();
        app.MapGrpcService<Statistics.StatisticsService>();
        app.MapGrpcService<Ingest.IngestService>();
        app.MapGrpcService<Exchange.Child.ExchangeService>();
        app.MapGrpcService<Verification.VerificationService>();
        app.MapStandardServices();

        var lifetime = app.Lifetime;
        lifetime.ApplicationStarted.Register(() => OnStarted(app, readyFile));
        lifetime.ApplicationStopping.Register(() =>
        {
            app.Services.GetRequiredService<HealthServiceImpl>().SetStatus("", HealthCheckResponse.Types.ServingStatus.NotServing);
            NodeLog.NodeStopping(app.Logger, config.Node.Id);
        });
        return app;
    }

    private static void ConfigureEndpoint(KestrelServerOptions kestrel, ServerOptions server)
    {
        var uri = new Uri(server.Listen);
        void Configure(ListenOptions listen)
        {
            if (uri.Scheme == Uri.UriSchemeHttps && server.Tls is { } tls)
            {
                // TLS negotiates HTTP/2 with ALPN; HTTP/1.1 is allowed only so that a wrong client
                // gets a clear "gRPC needs HTTP/2" answer instead of a failed handshake.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = LoadCertificate(tls),
                    ClientCertificateMode = tls.ClientCertificates switch
                    {
                        "require" => ClientCertificateMode.RequireCertificate,
                        "allow" => ClientCertificateMode.AllowCertificate,
                        _ => ClientCertificateMode.NoCertificate,
                    },
                    ClientCertificateValidation = tls.ClientCaPath is null ? null : ClientCertificateValidator(tls.ClientCaPath),
                });
            }
            else
            {
                // Cleartext: HTTP/2 with prior knowledge (h2c). Without TLS there is no ALPN, so
                // the endpoint must be HTTP/2-only.
                listen.Protocols = HttpProtocols.Http2;
            }
        }

        var port = uri.Port;
        if (uri.Host is "localhost")
        {
            kestrel.Listen(IPAddress.Loopback, port, Configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, port, Configure);
        }
        else
        {
            kestrel.ListenAnyIP(port, Configure);
        }
    }

    private static X509Certificate2 LoadCertificate(TlsOptions tls)
    {
        using var pem = X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);
        // Re-import so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static Func<X509Certificate2, X509Chain?, System.Net.Security.SslPolicyErrors, bool> ClientCertificateValidator(string caPath)
    {
        var authority = Federation.Shared.CertificateAuthority.LoadPem(caPath);
        return (certificate, _, _) => Federation.Shared.CertificateAuthority.Issued(authority, certificate);
    }

    private static void OnStarted(WebApplication app, string? readyFile)
    {
        var identity = app.Services.GetRequiredService<NodeIdentity>();
        _ = app.Services.GetRequiredService<Federation.Store.FederationStore>(); // open (and check) the store before declaring the node ready
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        identity.ListenAddresses = addresses;
        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(Protocol.V1.Admin.Descriptor.FullName, HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(Protocol.V1.Statistics.Descriptor.FullName, HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(Protocol.V1.Ingest.Descriptor.FullName, HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(Protocol.V1.Exchange.Descriptor.FullName, HealthCheckResponse.Types.ServingStatus.Serving);
        if (readyFile is not null)
        {
            // Written atomically (temp file, then rename) so a watcher never reads half a file.
            var json = JsonSerializer.Serialize(new { nodeId = identity.Id, addresses, pid = Environment.ProcessId });
            var temp = readyFile + ".tmp";
            File.WriteAllText(temp, json);
            File.Move(temp, readyFile, overwrite: true);
            NodeLog.ReadyFileWritten(app.Logger, readyFile);
        }
        // Logged last: whoever waits for this line can rely on the ready file being there.
        NodeLog.NodeStarted(app.Logger, identity.Id, identity.Level.Name(), identity.DivisionCode, NodeIdentity.Version, string.Join(", ", addresses));
    }
}
