using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Federation.Interop;
using Grpc.Net.Client;

// Usage: Federation.InteropClient --server_port=50051 [--server_host=127.0.0.1] [--test_case=large_unary|all]
//        [--use_tls [--use_test_ca --ca_file=ca.pem] [--server_host_override=name]] [--waive_compression_probe]
// Prints "OK: <case>" for each passing case; exits 1 on the first failure, 2 on bad flags.
InteropFlags flags;
try
{
    flags = InteropFlags.Parse(args, ["server_host", "server_port", "test_case", "use_tls", "use_test_ca", "ca_file", "server_host_override", "waive_compression_probe"]);
    if (flags.Get("server_port") is null)
    {
        throw new ArgumentException("--server_port is required.");
    }
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var useTls = flags.GetBool("use_tls");
var hostName = flags.Get("server_host", "127.0.0.1");
var address = $"{(useTls ? "https" : "http")}://{hostName}:{flags.GetInt("server_port", 0)}";
var handler = GrpcChannel.CreateDefaultHandler();
if (useTls)
{
    var hostOverride = flags.Get("server_host_override");
    if (hostOverride is not null)
    {
        handler.SslOptions.TargetHost = hostOverride;
    }
    if (flags.GetBool("use_test_ca"))
    {
        var caFile = flags.Get("ca_file") ?? throw new ArgumentException("--use_test_ca needs --ca_file=<PEM of the test CA>.");
        var authority = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            certificate is not null &&
            (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None &&
            TestCertificates.ChainsTo(new X509Certificate2(certificate), authority);
    }
}

using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
// --waive_compression_probe: for servers that cannot observe request compression (see InteropClient).
var client = new InteropClient(channel.CreateCallInvoker(), requireCompressionProbe: !flags.GetBool("waive_compression_probe"));
var testCase = flags.Get("test_case", "all");
var cases = testCase == "all" ? InteropClient.TestCases : [testCase];
foreach (var name in cases)
{
    try
    {
        await client.RunAsync(name);
        Console.WriteLine($"OK: {name}");
    }
    catch (Exception ex) when (ex is InteropAssertionException or Grpc.Core.RpcException or ArgumentException)
    {
        Console.Error.WriteLine($"FAILED: {name}: {ex.Message}");
        return 1;
    }
}
return 0;
