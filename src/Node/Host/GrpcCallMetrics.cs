using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Federation.Node.Host;

/// <summary>
/// The gRPC method and status on ASP.NET Core's call metrics (<c>http.server.request.duration</c>):
/// every gRPC call answers HTTP 200, so without them a refused or failed call looks like any
/// other. The attributes are OpenTelemetry's for RPC (<c>rpc.system</c> = grpc, <c>rpc.service</c>,
/// <c>rpc.method</c>, <c>rpc.grpc.status_code</c>, the numeric code), as its ASP.NET Core
/// instrumentation puts on gRPC spans. Only calls routed to a method the node serves are tagged,
/// so a caller cannot create series by inventing paths.
/// </summary>
internal static class GrpcCallMetrics
{
    public static IApplicationBuilder UseGrpcCallMetrics(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        finally
        {
            if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics && context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc)
            {
                metrics.Tags.Add(new("rpc.system", "grpc"));
                metrics.Tags.Add(new("rpc.service", grpc.Method.ServiceName));
                metrics.Tags.Add(new("rpc.method", grpc.Method.Name));
                // In the trailers; in the headers of a trailers-only answer (an error before any message).
                var status = context.Response.SupportsTrailers() && context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers
                    && trailers.TryGetValue("grpc-status", out var trailer) ? trailer.ToString() : context.Response.Headers["grpc-status"].ToString();
                if (int.TryParse(status, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
                {
                    metrics.Tags.Add(new("rpc.grpc.status_code", code));
                }
            }
        }
    });
}
