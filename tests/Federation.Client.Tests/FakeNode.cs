using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;

namespace Federation.Client.Tests;

/// <summary>
/// A node as the client's HTTP handler sees it, without a server: each request is kept (path,
/// headers, the request message's bytes) and answered by the next scripted answer — a message, a
/// gRPC status, or an exception as the transport would throw it. Put in with
/// <see cref="FederationClientOptions.WrapHandler"/>, so everything above the socket is the
/// client's real code (grpc-dotnet's channel, the retry pipeline, the error mapping).
/// </summary>
internal sealed class FakeNode : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _answers = new();
    private readonly List<Request> _requests = [];
    private readonly Lock _lock = new();

    /// <summary>One request as it reached the node.</summary>
    public sealed record Request(string Path, HttpRequestHeaders Headers, byte[] Message);

    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A client of this fake node (cleartext address, retries without waiting).</summary>
    public FederationClient Client(Action<FederationClientOptions>? configure = null)
    {
        var options = new FederationClientOptions
        {
            Address = "http://node.test:7101",
            WrapHandler = _ => this,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        };
        configure?.Invoke(options);
        return new FederationClient(options);
    }

    public FakeNode Answers(IMessage message) => Enqueue(() => Response(Frame(message.ToByteArray()), StatusCode.OK, null, trailersOnly: false));

    public FakeNode Fails(StatusCode status, string detail) => Enqueue(() => Response([], status, detail, trailersOnly: true));

    public FakeNode Throws(Func<Exception> exception) => Enqueue(() => throw exception());

    public T Sent<T>(int index, MessageParser<T> parser) where T : IMessage<T> => parser.ParseFrom(Requests[index].Message);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Func<HttpResponseMessage> answer;
        lock (_lock)
        {
            // A gRPC message: compressed flag (1 byte), length (4 bytes, big-endian), the message.
            _requests.Add(new Request(request.RequestUri!.AbsolutePath, request.Headers, body.Length >= 5 ? body[5..] : []));
            answer = _answers.Count > 0 ? _answers.Dequeue() : throw new InvalidOperationException($"the fake node has no answer left for {request.RequestUri}");
        }
        return answer();
    }

    private FakeNode Enqueue(Func<HttpResponseMessage> answer)
    {
        lock (_lock)
        {
            _answers.Enqueue(answer);
        }
        return this;
    }

    private static byte[] Frame(byte[] message)
    {
        var framed = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    // A failure is "trailers-only" (the status in the headers, no body), as a node sends it.
    private static HttpResponseMessage Response(byte[] body, StatusCode status, string? detail, bool trailersOnly)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var trailers = trailersOnly ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        trailers.Add("grpc-status", ((int)status).ToString(CultureInfo.InvariantCulture));
        if (detail is not null)
        {
            trailers.Add("grpc-message", Uri.EscapeDataString(detail));
        }
        return response;
    }
}
