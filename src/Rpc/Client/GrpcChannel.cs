using System.Collections.Frozen;
using System.IO.Compression;
using System.Net;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Client.Internal;
using Grpc.Net.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grpc.Net.Client;

/// <summary>
/// A channel to one gRPC server over HTTP/2: <c>http://</c> addresses use cleartext HTTP/2 with
/// prior knowledge (h2c), <c>https://</c> addresses TLS with ALPN. Connections are pooled and
/// reused; when one connection's stream limit is reached another is opened. Create one channel
/// per server and share it.
/// </summary>
public sealed class GrpcChannel : ChannelBase, IDisposable
{
    private readonly bool _disposeHandler;
    private bool _disposed;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
        : base(address.Authority)
    {
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address '{address}' must start with http:// (cleartext HTTP/2) or https:// (TLS).", nameof(address));
        }
        Address = new Uri(address.GetLeftPart(UriPartial.Authority));
        var handler = options.HttpHandler;
        _disposeHandler = handler is null || options.DisposeHttpClient;
        handler ??= CreateDefaultHandler();
        Invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        Handler = handler;
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        RequestCompressionLevel = options.RequestCompressionLevel;
        ThrowOperationCanceledOnCancellation = options.ThrowOperationCanceledOnCancellation;
        IList<ICompressionProvider> providers = options.CompressionProviders ?? [new GzipCompressionProvider(), new DeflateCompressionProvider()];
        CompressionProviders = providers.ToFrozenDictionary(p => p.EncodingName, StringComparer.Ordinal);
        AcceptEncodingValue = string.Join(",", new[] { GrpcProtocolConstants.IdentityEncoding }.Concat(CompressionProviders.Keys));
        Logger = options.LoggerFactory?.CreateLogger("Grpc.Net.Client.GrpcChannel") ?? NullLogger.Instance;
    }

    /// <summary>The server's base address.</summary>
    public Uri Address { get; }

    internal HttpMessageInvoker Invoker { get; }
    internal HttpMessageHandler Handler { get; }
    internal int? MaxReceiveMessageSize { get; }
    internal int? MaxSendMessageSize { get; }
    internal CompressionLevel? RequestCompressionLevel { get; }
    internal bool ThrowOperationCanceledOnCancellation { get; }
    internal FrozenDictionary<string, ICompressionProvider> CompressionProviders { get; }
    internal string AcceptEncodingValue { get; }
    internal ILogger Logger { get; }

    /// <summary>Creates a channel to <paramref name="address"/>, e.g. <c>http://127.0.0.1:7001</c>.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"'{address}' is not an absolute address; expected e.g. http://127.0.0.1:7001.", nameof(address));
        }
        return ForAddress(uri, options);
    }

    /// <summary>Creates a channel to <paramref name="address"/>.</summary>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <inheritdoc />
    public override CallInvoker CreateCallInvoker()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new HttpClientCallInvoker(this);
    }

    /// <summary>Closes the channel's connections (if it owns its handler).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Invoker.Dispose();
        if (_disposeHandler)
        {
            Handler.Dispose();
        }
    }

    /// <inheritdoc />
    protected override Task ShutdownAsyncCore()
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The handler used when none is given: several HTTP/2 connections when one hits the
    /// server's stream limit (typically 100), keep-alive pings so dead connections are noticed,
    /// and no connection-lifetime limit.
    /// </summary>
    public static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
        AllowAutoRedirect = false,
    };
}
