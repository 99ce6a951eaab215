using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// The <see cref="ServerCallContext"/> of one call served by Kestrel. It owns the call's protocol
/// state: deadline, message encodings, response headers, status and trailers. Split by concern
/// into partial files (.Deadline, .Status, .Messages).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The deadline timer may still be running its callback when the call ends; Cleanup() stops the timer and leaves the lock and token source to the GC (they hold no unmanaged resources once the timer is gone).")]
internal sealed partial class HttpContextServerCallContext : ServerCallContext
{
    private readonly ILogger _logger;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private Status _status = Status.DefaultSuccess;
    private WriteOptions? _writeOptions;
    private AuthContext? _authContext;
    private string? _peer;
    private string? _requestEncoding;
    private ICompressionProvider? _responseCompressor;
    private OutgoingMessageContext? _outgoing;
    private IncomingMessageContext? _incoming;

    public HttpContextServerCallContext(HttpContext httpContext, ServerMethodOptions options, IMethod method, ILogger logger)
    {
        HttpContext = httpContext;
        Options = options;
        MethodDescriptor = method;
        _logger = logger;
    }

    public HttpContext HttpContext { get; }

    public ServerMethodOptions Options { get; }

    public IMethod MethodDescriptor { get; }

    /// <summary>Whether the last request message read had the Compressed-Flag set.</summary>
    public bool LastRequestMessageCompressed { get; private set; }

    internal OutgoingMessageContext Outgoing => _outgoing ??= new OutgoingMessageContext();

    internal IncomingMessageContext Incoming => _incoming ??= new IncomingMessageContext();

    protected override string MethodCore => MethodDescriptor.FullName;

    protected override string HostCore => HttpContext.Request.Host.Value ?? "";

    protected override string PeerCore => _peer ??= BuildPeer(HttpContext.Connection);

    protected override DateTime DeadlineCore => _deadline;

    protected override Metadata RequestHeadersCore => _requestHeaders ??= BuildRequestHeaders(HttpContext.Request.Headers);

    protected override CancellationToken CancellationTokenCore => _deadlineCts?.Token ?? HttpContext.RequestAborted;

    protected override Metadata ResponseTrailersCore => _responseTrailers ??= [];

    protected override Status StatusCore
    {
        get => _status;
        set => _status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _writeOptions;
        set => _writeOptions = value;
    }

    protected override AuthContext AuthContextCore => _authContext ??= BuildAuthContext(HttpContext.Connection.ClientCertificate);

    /// <summary>Reads the protocol headers and starts the deadline. Called before the handler runs.</summary>
    public void Initialize()
    {
        var request = HttpContext.Request;
        var response = HttpContext.Response;
        response.ContentType = GrpcProtocolConstants.GrpcContentType;
        response.Headers[GrpcProtocolConstants.MessageAcceptEncodingHeader] = Options.AcceptEncodingValue;

        var timeout = request.Headers[GrpcProtocolConstants.TimeoutHeader];
        if (timeout.Count > 0)
        {
            if (timeout.Count == 1 && GrpcTimeout.TryParse(timeout[0], out var span))
            {
                StartDeadline(span);
            }
            else
            {
                GrpcServerLog.InvalidTimeoutIgnored(_logger, timeout.ToString());
            }
        }

        var encoding = request.Headers[GrpcProtocolConstants.MessageEncodingHeader];
        if (encoding.Count > 0)
        {
            _requestEncoding = encoding[0];
        }

        if (Options.ResponseCompressionAlgorithm is { } algorithm)
        {
            SelectResponseCompression(algorithm);
        }
    }

    /// <summary>
    /// Compresses responses with <paramref name="algorithm"/> if the client listed it in
    /// <c>grpc-accept-encoding</c>; otherwise they stay uncompressed, as compression.md requires.
    /// </summary>
    private void SelectResponseCompression(string algorithm)
    {
        if (algorithm == GrpcProtocolConstants.IdentityEncoding)
        {
            _responseCompressor = null;
            HttpContext.Response.Headers.Remove(GrpcProtocolConstants.MessageEncodingHeader);
            return;
        }
        if (!Options.CompressionProviders.TryGetValue(algorithm, out var provider) || !ClientAccepts(algorithm))
        {
            GrpcServerLog.CompressionNotAccepted(_logger, algorithm);
            return;
        }
        _responseCompressor = provider;
        HttpContext.Response.Headers[GrpcProtocolConstants.MessageEncodingHeader] = algorithm;
    }

    private bool ClientAccepts(string algorithm)
    {
        foreach (var value in HttpContext.Request.Headers[GrpcProtocolConstants.MessageAcceptEncodingHeader])
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (string.Equals(part, algorithm, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        return false;
    }

    protected override async Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        await EnterAsync().ConfigureAwait(false);
        try
        {
            ThrowIfCallEnded();
            var response = HttpContext.Response;
            if (response.HasStarted)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call.");
            }
            foreach (var entry in responseHeaders)
            {
                if (entry.Key == GrpcProtocolConstants.CompressionRequestAlgorithmHeader)
                {
                    SelectResponseCompression(entry.Value);
                    continue;
                }
                if (IsReservedHeader(entry.Key))
                {
                    continue;
                }
                response.Headers.Append(entry.Key, entry.IsBinary ? BinaryHeader.Encode(entry.ValueBytes) : entry.Value);
            }
            await response.StartAsync().ConfigureAwait(false);
            await response.BodyWriter.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Starts the response (sends headers) if it has not started; needed before writing a message.</summary>
    internal Task EnsureResponseStartedAsync()
    {
        var response = HttpContext.Response;
        return response.HasStarted ? Task.CompletedTask : response.StartAsync();
    }

    internal ICompressionProvider? ResponseCompressorFor(WriteOptions? writeOptions) =>
        _responseCompressor is not null && (EffectiveFlags(writeOptions) & WriteFlags.NoCompress) == 0 ? _responseCompressor : null;

    // The writer's options, else the call's, else none. (Beware `options?.Flags & X` on a null
    // options: the lifted result is null, and `null == 0` is false.)
    internal WriteFlags EffectiveFlags(WriteOptions? writeOptions) => (writeOptions ?? _writeOptions)?.Flags ?? default;

    private static bool IsReservedHeader(string key) =>
        key is "content-type" or "te" or "grpc-status" or "grpc-message" or "grpc-encoding" or "grpc-accept-encoding" or "grpc-timeout";

    private static string BuildPeer(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{connection.RemotePort}"
            : $"ipv4:{address}:{connection.RemotePort}";
    }

    // Protocol headers are not metadata: pseudo-headers, content-type, te, host, grpc-timeout and
    // the encoding headers are consumed by the runtime and hidden from handlers.
    private static Metadata BuildRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers)
        {
            var key = header.Key;
            if (key.StartsWith(':') || key.Equals(HeaderNames.ContentType, StringComparison.OrdinalIgnoreCase) ||
                key.Equals(HeaderNames.TE, StringComparison.OrdinalIgnoreCase) || key.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase) ||
                key.Equals(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase) || key.Equals(HeaderNames.ContentEncoding, StringComparison.OrdinalIgnoreCase) ||
                key.Equals(GrpcProtocolConstants.TimeoutHeader, StringComparison.OrdinalIgnoreCase) ||
                key.Equals(GrpcProtocolConstants.MessageEncodingHeader, StringComparison.OrdinalIgnoreCase) ||
                key.Equals(GrpcProtocolConstants.MessageAcceptEncodingHeader, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var lower = key.ToLowerInvariant();
            var binary = Metadata.IsBinaryKey(lower);
            foreach (var value in header.Value)
            {
                if (value is null)
                {
                    continue;
                }
                try
                {
                    if (binary)
                    {
                        foreach (var bytes in BinaryHeader.Decode(value))
                        {
                            metadata.Add(lower, bytes);
                        }
                    }
                    else
                    {
                        metadata.Add(lower, value);
                    }
                }
                catch (Exception ex) when (ex is FormatException or ArgumentException)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"Request header '{lower}' is malformed: {ex.Message}"));
                }
            }
        }
        return metadata;
    }

    private static AuthContext BuildAuthContext(X509Certificate2? certificate)
    {
        var properties = new Dictionary<string, List<AuthProperty>>(StringComparer.Ordinal);
        if (certificate is null)
        {
            return new AuthContext(null, properties);
        }
        properties["transport_security_type"] = [AuthProperty.Create("transport_security_type", "ssl")];
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!string.IsNullOrEmpty(commonName))
        {
            properties["x509_common_name"] = [AuthProperty.Create("x509_common_name", commonName)];
        }
        var dnsNames = new List<AuthProperty>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var name in san.EnumerateDnsNames())
                {
                    dnsNames.Add(AuthProperty.Create("x509_subject_alternative_name", name));
                }
            }
        }
        if (dnsNames.Count > 0)
        {
            properties["x509_subject_alternative_name"] = dnsNames;
        }
        properties["x509_pem_cert"] = [AuthProperty.Create("x509_pem_cert", certificate.ExportCertificatePem())];
        return new AuthContext(properties.ContainsKey("x509_common_name") ? "x509_common_name" : "x509_pem_cert", properties);
    }
}
