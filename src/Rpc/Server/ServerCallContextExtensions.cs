using Grpc.AspNetCore.Server.Internal;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server;

/// <summary>Access to the transport behind a <see cref="ServerCallContext"/>.</summary>
public static class ServerCallContextExtensions
{
    /// <summary>The ASP.NET Core <see cref="HttpContext"/> of the call (connection, client certificate, features).</summary>
    public static HttpContext GetHttpContext(this ServerCallContext serverCallContext)
    {
        ArgumentNullException.ThrowIfNull(serverCallContext);
        return serverCallContext is HttpContextServerCallContext context
            ? context.HttpContext
            : throw new InvalidOperationException($"Could not get HttpContext from ServerCallContext of type {serverCallContext.GetType()}.");
    }

    /// <summary>
    /// Whether the most recent request message arrived with the Compressed-Flag set — finer than
    /// the call's <c>grpc-encoding</c>, since a client may send single messages uncompressed.
    /// </summary>
    public static bool IsLastRequestMessageCompressed(this ServerCallContext serverCallContext) =>
        serverCallContext is HttpContextServerCallContext context && context.LastRequestMessageCompressed;
}
