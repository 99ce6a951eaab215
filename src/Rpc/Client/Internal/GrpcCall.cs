using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// One client call, of any kind, over one HTTP/2 stream. Split by concern into partials:
/// this file holds the call's life (start, cancel, deadline, finish), <c>.Response</c> reads
/// the response and <c>.Request</c> writes a request stream.
///
/// The status is decided exactly once (<see cref="Finish"/>): by the server's trailers, by a
/// local cancellation (token, deadline, dispose) or by a transport error. Everything that
/// happens after that reports the same status.
/// </summary>
internal sealed partial class GrpcCall<TRequest, TResponse> : IDisposable
    where TRequest : class where TResponse : class
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new(GrpcProtocolConstants.GrpcContentType);
    private static readonly ConcurrentDictionary<(Uri, string), Uri> MethodUris = new();

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly string? _host;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _callCts = new();
    private readonly TaskCompletionSource<Metadata> _headersTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly OutgoingMessageContext _outgoing = new();
    private readonly IncomingMessageContext _incoming = new();
    private CancellationTokenRegistration _userCancellation;
    private ITimer? _deadlineTimer;
    private Status? _status;
    private Metadata? _trailers;
    private bool _cancelledByUser;
    private HttpResponseMessage? _response;
    private Task<HttpResponseMessage>? _sendTask;
    private Task<bool>? _startTask;
    private PushStreamContent? _pushContent;
    private ICompressionProvider? _requestCompressor;
    private bool _disposed;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _host = host;
        _options = options;
    }

    public Task<Metadata> ResponseHeadersAsync => _headersTcs.Task;

    public void StartUnary(TRequest request) => StartWithMessage(request);

    public void StartServerStreaming(TRequest request)
    {
        StartWithMessage(request);
        ResponseStream = new ClientStreamReader<TRequest, TResponse>(this);
    }

    public void StartClientStreaming() => StartWithStream();

    public void StartDuplexStreaming()
    {
        StartWithStream();
        ResponseStream = new ClientStreamReader<TRequest, TResponse>(this);
    }

    public IAsyncStreamReader<TResponse> ResponseStream { get; private set; } = null!;

    public IClientStreamWriter<TRequest> RequestStream { get; private set; } = null!;

    public Status GetStatus()
    {
        lock (_lock)
        {
            return _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");
        }
    }

    public Metadata GetTrailers()
    {
        lock (_lock)
        {
            return _status is null
                ? throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.")
                : _trailers ?? Metadata.Empty;
        }
    }

    private void StartWithMessage(TRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Prepare())
        {
            return;
        }
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            _outgoing.Serialize(request, _method.RequestMarshaller.ContextualSerializer, buffer,
                RequestCompressorFor(_options.WriteOptions), _channel.RequestCompressionLevel, _channel.MaxSendMessageSize);
        }
        catch (RpcException ex)
        {
            Finish(ex.Status, Metadata.Empty);
            _startTask = Task.FromResult(false);
            return;
        }
        Send(new UnaryContent(buffer, GrpcContentType));
    }

    private void StartWithStream()
    {
        _pushContent = new PushStreamContent(GrpcContentType);
        RequestStream = new ClientStreamWriter<TRequest, TResponse>(this);
        if (!Prepare())
        {
            _pushContent.Abort();
            return;
        }
        Send(_pushContent);
    }

    /// <summary>Starts the deadline and cancellation; <c>false</c> when the call is already over (deadline passed).</summary>
    private bool Prepare()
    {
        SelectRequestCompression();
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var timeout = deadline.ToUniversalTime() - DateTime.UtcNow;
            if (timeout <= TimeSpan.Zero)
            {
                // Don't send a call that cannot succeed.
                Finish(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), Metadata.Empty);
                _startTask = Task.FromResult(false);
                return false;
            }
            _deadlineTimer = TimeProvider.System.CreateTimer(static state => ((GrpcCall<TRequest, TResponse>)state!).OnDeadline(),
                this, timeout, Timeout.InfiniteTimeSpan);
        }
        if (_options.CancellationToken.CanBeCanceled)
        {
            if (_options.CancellationToken.IsCancellationRequested)
            {
                _cancelledByUser = true;
                Finish(new Status(StatusCode.Cancelled, "Call canceled by the client."), Metadata.Empty);
                _startTask = Task.FromResult(false);
                return false;
            }
            _userCancellation = _options.CancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).OnUserCancelled(), this);
        }
        return true;
    }

    private void Send(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, MethodUris.GetOrAdd((_channel.Address, _method.FullName),
            static key => new Uri(key.Item1, key.Item2)))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        // "te: trailers" is required: it tells intermediaries (and C-core servers) this is gRPC.
        headers.TryAddWithoutValidation(GrpcProtocolConstants.TeHeader, GrpcProtocolConstants.TeTrailers);
        headers.TryAddWithoutValidation("user-agent", GrpcProtocolConstants.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocolConstants.MessageAcceptEncodingHeader, _channel.AcceptEncodingValue);
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            headers.TryAddWithoutValidation(GrpcProtocolConstants.TimeoutHeader, GrpcTimeout.Encode(deadline.ToUniversalTime() - DateTime.UtcNow));
        }
        if (_requestCompressor is not null)
        {
            headers.TryAddWithoutValidation(GrpcProtocolConstants.MessageEncodingHeader, _requestCompressor.EncodingName);
        }
        if (_options.Headers is { Count: > 0 } metadata)
        {
            foreach (var entry in metadata)
            {
                if (entry.Key == GrpcProtocolConstants.CompressionRequestAlgorithmHeader)
                {
                    continue;
                }
                headers.TryAddWithoutValidation(entry.Key, entry.IsBinary ? BinaryHeader.Encode(entry.ValueBytes) : entry.Value);
            }
        }
        if (_host is not null)
        {
            headers.Host = _host;
        }
        _sendTask = _channel.Invoker.SendAsync(request, _callCts.Token);
        _startTask = StartResponseAsync();
    }

    private ICompressionProvider? RequestCompressorFor(WriteOptions? writeOptions) =>
        _requestCompressor is not null && ((writeOptions?.Flags ?? 0) & WriteFlags.NoCompress) == 0 ? _requestCompressor : null;

    // The in-process key grpc-internal-encoding-request asks for request compression; it must be
    // resolved before the headers go out, since grpc-encoding is a request header.
    private void SelectRequestCompression()
    {
        if (_options.Headers?.GetValue(GrpcProtocolConstants.CompressionRequestAlgorithmHeader) is { } algorithm &&
            algorithm != GrpcProtocolConstants.IdentityEncoding)
        {
            _requestCompressor = _channel.CompressionProviders.TryGetValue(algorithm, out var provider)
                ? provider
                : throw new InvalidOperationException($"Could not find a compression provider for '{algorithm}'. Available: {_channel.AcceptEncodingValue}.");
        }
    }

    private void OnDeadline()
    {
        GrpcClientLog.DeadlineExceeded(_channel.Logger, _method.FullName);
        Cancel(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
    }

    private void OnUserCancelled()
    {
        lock (_lock)
        {
            if (_status is null)
            {
                _cancelledByUser = true;
            }
        }
        Cancel(new Status(StatusCode.Cancelled, "Call canceled by the client."));
    }

    /// <summary>Ends the call locally: decides the status, then resets the HTTP/2 stream.</summary>
    private void Cancel(Status status)
    {
        if (!Finish(status, Metadata.Empty))
        {
            return;
        }
        // Cancelling the token resets the stream while SendAsync is pending; once it has
        // returned, only disposing the response sends RST_STREAM(CANCEL).
        _callCts.Cancel();
        HttpResponseMessage? response;
        lock (_lock)
        {
            response = _response;
        }
        response?.Dispose();
    }

    /// <summary>Decides the call's status, once. Returns <c>false</c> if it was already decided.</summary>
    private bool Finish(Status status, Metadata trailers)
    {
        lock (_lock)
        {
            if (_status is not null)
            {
                return false;
            }
            // PROTOCOL-HTTP2.md: a call that fails with CANCELLED after its deadline has passed
            // failed because of the deadline.
            if (status.StatusCode == StatusCode.Cancelled && !_cancelledByUser && _options.Deadline is { } deadline &&
                deadline != DateTime.MaxValue && deadline.ToUniversalTime() <= DateTime.UtcNow)
            {
                status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            }
            _status = status;
            _trailers = trailers;
        }
        _deadlineTimer?.Dispose();
        _userCancellation.Dispose();
        _pushContent?.Abort();
        if (status.StatusCode != StatusCode.OK)
        {
            _headersTcs.TrySetException(CreateException(status, trailers));
            // Observe the exception so an unread ResponseHeadersAsync doesn't surface as unobserved.
            _ = _headersTcs.Task.Exception;
        }
        else
        {
            _headersTcs.TrySetResult(Metadata.Empty);
        }
        GrpcClientLog.CallFinished(_channel.Logger, _method.FullName, status.StatusCode, status.Detail);
        return true;
    }

    private Exception CreateException(Status status, Metadata trailers) =>
        status.StatusCode == StatusCode.Cancelled && _cancelledByUser && _channel.ThrowOperationCanceledOnCancellation
            ? new OperationCanceledException(status.Detail, _options.CancellationToken)
            : new RpcException(status, trailers);

    /// <summary>The exception for the decided status (call only after <see cref="Finish"/>).</summary>
    private Exception CurrentException()
    {
        lock (_lock)
        {
            return CreateException(_status!.Value, _trailers ?? Metadata.Empty);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Cancel(new Status(StatusCode.Cancelled, "gRPC call disposed."));
        HttpResponseMessage? response;
        lock (_lock)
        {
            response = _response;
        }
        response?.Dispose();
        // _callCts is not disposed: a deadline timer callback racing Dispose may still cancel it.
    }
}
