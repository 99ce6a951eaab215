using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Usage: Federation.Bench.RpcServer [port]   (0, the default, picks a free port; the bound
// address is printed as "Server listening on http://127.0.0.1:PORT").
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
var app = builder.Build();
app.MapGrpcService<BenchService>();
await app.StartAsync();
Console.WriteLine($"Server listening on {app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}");
await app.WaitForShutdownAsync();

/// <summary>The same trivial handlers as bench/rpc/cpp/server.cc.</summary>
internal sealed class BenchService : TestService.TestServiceBase
{
    public override Task<Empty> EmptyCall(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public override async Task StreamingOutputCall(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        foreach (var parameters in request.ResponseParameters)
        {
            await responseStream.WriteAsync(new StreamingOutputCallResponse { Payload = new Payload { Body = ByteString.CopyFrom(new byte[parameters.Size]) } });
        }
    }
}
