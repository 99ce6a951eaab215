using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federation.Interop;
using Federation.Protocol;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Usage: Federation.InteropServer --port=50051 [--use_tls] [--tls_cert_file=server.pem --tls_key_file=server.key]
//        [--host=127.0.0.1]. --port=0 picks a free port; the bound address is printed on stdout.
InteropFlags flags;
try
{
    flags = InteropFlags.Parse(args, ["port", "use_tls", "tls_cert_file", "tls_key_file", "host"]);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var port = flags.GetInt("port", 50051);
var useTls = flags.GetBool("use_tls");
var host = IPAddress.Parse(flags.Get("host", "127.0.0.1"));

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(host, port, listen =>
{
    listen.Protocols = HttpProtocols.Http2;
    if (useTls)
    {
        var certFile = flags.Get("tls_cert_file");
        var keyFile = flags.Get("tls_key_file");
        var certificate = certFile is not null && keyFile is not null
            ? X509Certificate2.CreateFromPemFile(certFile, keyFile)
            : TestCertificates.CreateServerCertificate(TestCertificates.CreateCertificateAuthority());
        listen.UseHttps(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null));
    }
}));
builder.Services.AddGrpc().AddStandardServices();

var app = builder.Build();
app.MapGrpcService<TestServiceImpl>();
app.MapStandardServices();
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"Server listening on {address}");
await app.WaitForShutdownAsync();
return 0;
