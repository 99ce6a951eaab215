using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Federation.Protocol.V1;
using Federation.Standards;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Polly;
using Polly.Retry;

namespace Federation.Client;

/// <summary>
/// A typed client for one node. Idempotent calls (status, health, statistics, verification, findings) are retried with
/// jittered exponential backoff on UNAVAILABLE and DEADLINE_EXCEEDED; uploads are never retried.
/// Inputs are checked locally before anything is sent. Failures surface as
/// <see cref="FederationException"/> (gRPC status and the node's message); bad input as
/// <see cref="ArgumentException"/> naming the parameter and the rule. Thread-safe; create one
/// per node and reuse it.
/// <para>One file per service of the node (<c>FederationClient.&lt;Service&gt;.cs</c>); this one holds
/// the connection, the status and health calls and how every call is made (retry, signing).</para>
/// </summary>
public sealed partial class FederationClient : IDisposable
{
    private readonly FederationClientOptions _options;
    private readonly GrpcChannel _channel;
    private readonly Metadata? _headers;
    private readonly ResiliencePipeline _retry;
    private readonly System.Security.Cryptography.ECDsa? _signer;
    private volatile string? _entryNode;
    // Whether the health check that opens the TLS connection was made: once, even when the node's
    // certificate names no node (then nothing is signed).
    private volatile bool _primed;

    /// <summary>Creates a client for the node at <see cref="FederationClientOptions.Address"/>.</summary>
    public FederationClient(FederationClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Address, UriKind.Absolute, out var address) || (address.Scheme != "http" && address.Scheme != "https"))
        {
            throw new ArgumentException($"Address '{options.Address}' must be http://host:port or https://host:port.", nameof(options));
        }
        _options = options;
        var handler = new SocketsHttpHandler
        {
            // More HTTP/2 connections once one reaches the node's stream limit (a script verifying
            // in parallel), and pings so that a dead connection is noticed before the next call.
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (options.ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [options.ClientCertificate];
        }
        // Only over TLS: the node's certificate names the node a signature is addressed to (and a
        // client certificate is presented over TLS only).
        _signer = address.Scheme == Uri.UriSchemeHttps ? options.ClientCertificate?.GetECDsaPrivateKey() : null;
        var validate = options.ServerCertificateAuthority is { } authority ? Federation.Shared.CertificateAuthority.TrustOnly(authority) : null;
        if (validate is not null || _signer is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                var trusted = validate?.Invoke(sender, certificate, chain, errors) ?? errors == System.Net.Security.SslPolicyErrors.None;
                // The node a signed call is addressed to: the one its TLS certificate names.
                if (trusted && certificate is X509Certificate2 server && Federation.Shared.CertificateIdentity.Read(server, out _) is { Kind: Federation.Shared.IdentityKind.Node } node)
                {
                    _entryNode = node.Id;
                }
                return trusted;
            };
        }
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = options.WrapHandler is { } wrap ? wrap(handler) : handler,
            DisposeHttpClient = true,
            // The official default backs off up to 120 s between reconnection attempts; a node
            // that restarts is to be reachable by the caller's next retry.
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        });
        _retry = CreateRetryPipeline(options, address.Scheme == Uri.UriSchemeHttps);
        if (options.BearerToken is { Length: > 0 } token)
        {
            _headers = new Metadata { { "authorization", "Bearer " + token } };
        }
    }

    /// <summary>The node's address.</summary>
    public string Address => _options.Address;

    /// <summary>The node's identity, level, jurisdiction, version and uptime.</summary>
    public Task<NodeStatus> GetNodeStatusAsync(CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("get node status", options => new Admin.AdminClient(_channel).GetNodeStatusAsync(new GetNodeStatusRequest(), options).ResponseAsync, cancellationToken);

    /// <summary>The node's overall health (grpc.health.v1).</summary>
    public Task<HealthCheckResponse.Types.ServingStatus> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        CallIdempotentAsync("check health", async options =>
            (await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest(), options).ResponseAsync.ConfigureAwait(false)).Status, cancellationToken);

    /// <summary>
    /// Loads a client certificate and its private key from PEM files, re-imported so that TLS can
    /// use the key on every platform.
    /// </summary>
    public static X509Certificate2 LoadClientCertificate(string certificatePemPath, string keyPemPath) =>
        Federation.Shared.CertificateAuthority.LoadPemWithKey(certificatePemPath, keyPemPath);


    /// <inheritdoc />
    public void Dispose()
    {
        _channel.Dispose();
        _signer?.Dispose();
    }

    private async Task<T> CallOnceAsync<T>(string operation, Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(new CallOptions(_headers, DateTime.UtcNow + _options.DefaultDeadline, cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new FederationException(operation, Address, ex);
        }
    }

    // A call a node may forward to a child (a verification): signed with the key of the client
    // certificate, when it has an ECDSA one, over the method, the request's bytes, the time and the
    // node addressed (named by its TLS certificate), so that the node answering it can check that
    // this caller asked (docs/security.md, "Callers proven end to end"). Each attempt is signed anew.
    private async Task<T> CallSignedAsync<T>(string operation, Google.Protobuf.Reflection.MethodDescriptor method, IMessage request,
        Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        if (_signer is null)
        {
            return await CallIdempotentAsync(operation, call, cancellationToken).ConfigureAwait(false);
        }
        if (_entryNode is null && !_primed)
        {
            _primed = true;
            // The first call opens the TLS connection that tells which node this is; health is open to anyone.
            try
            {
                await CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FederationException)
            {
                // Unreachable or refused: the call below fails the same way, with its own message.
            }
        }
        var path = $"/{method.Service.FullName}/{method.Name}";
        var digest = System.Security.Cryptography.SHA256.HashData(request.ToByteArray());
        var certificate = _options.ClientCertificate!.RawData;
        return await CallIdempotentAsync(operation, options =>
        {
            if (_entryNode is not { } entry)
            {
                return call(options);
            }
            var headers = new Metadata();
            foreach (var header in _headers ?? [])
            {
                headers.Add(header);
            }
            headers.Add(Federation.Shared.CallerProof.Header, Federation.Shared.CallerProof.Sign(_signer, path, digest, DateTimeOffset.UtcNow, entry));
            headers.Add(Federation.Shared.CallerProof.CertificateHeader, certificate);
            return call(options.WithHeaders(headers));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> CallIdempotentAsync<T>(string operation, Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            // Each attempt gets the whole deadline: a retry after a refused connection must not
            // start with a deadline already spent.
            return await _retry.ExecuteAsync(
                static async (state, token) => await state.call(new CallOptions(state.headers, DateTime.UtcNow + state.deadline, token)).ConfigureAwait(false),
                (call, headers: _headers, deadline: _options.DefaultDeadline), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new FederationException(operation, Address, ex);
        }
    }

    // Only idempotent calls come through here; they are retried when the node could not be reached
    // or did not answer in time — never on an answer (INVALID_ARGUMENT, NOT_FOUND, …).
    // A TLS credentials problem is not retried: it will not go away by itself.
    private static ResiliencePipeline CreateRetryPipeline(FederationClientOptions options, bool https) =>
        options.MaxRetries == 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(ex => ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
                    && TransportProblems.Classify(ex, https) is TransportProblem.None or TransportProblem.Unreachable),
                OnRetry = arguments =>
                {
                    if (options.OnRetry is { } observe && arguments.Outcome.Exception is RpcException failure)
                    {
                        observe(arguments.AttemptNumber, arguments.RetryDelay, failure);
                    }
                    return default;
                },
            })
            .Build();


    // Full-width digits and spaces as typed are folded first (TypedNumber, shared with the web pages).
    private static string CheckCertificate(string certificateNumber) =>
        CertificateNumber.TryParse(TypedNumber.Fold(certificateNumber), out var number, out var error) ? number.Value
            : throw new ArgumentException($"certificate number: {error}", nameof(certificateNumber));

    private static void CheckDate(string? value, string parameter)
    {
        if (value is not null && !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new ArgumentException($"{parameter} must be a date YYYY-MM-DD, got '{value}'.", parameter);
        }
    }
}
