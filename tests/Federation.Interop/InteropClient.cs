using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;

namespace Federation.Interop;

/// <summary>
/// The interop client cases of grpc/grpc doc/interop-test-descriptions.md, each asserting what
/// the description requires. A failed assertion throws <see cref="InteropAssertionException"/>.
/// </summary>
/// <param name="invoker">The channel's call invoker.</param>
/// <param name="requireCompressionProbe">
/// Whether the client_compressed_* cases require the server to reject the uncompressed probe
/// (the CompressedRequest server feature). Only a server that cannot observe request compression
/// (the Python C-core API) should be run with <c>false</c>; the compressed calls are then still
/// made and their results asserted.
/// </param>
public sealed class InteropClient(CallInvoker invoker, bool requireCompressionProbe = true)
{
    /// <summary>Every case this client implements, in the descriptions' order.</summary>
    public static readonly IReadOnlyList<string> TestCases =
    [
        "empty_unary", "large_unary", "client_compressed_unary", "server_compressed_unary", "client_streaming",
        "client_compressed_streaming", "server_streaming", "server_compressed_streaming", "ping_pong", "empty_stream",
        "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method",
        "unimplemented_service", "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
    ];

    private const string SpecialStatusMessage = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
    private static readonly Metadata GzipCall = new() { { "grpc-internal-encoding-request", "gzip" } };

    private readonly TestService.TestServiceClient _client = new(invoker);
    private readonly UnimplementedService.UnimplementedServiceClient _unimplemented = new(invoker);

    /// <summary>Runs one case by its standard name.</summary>
    public Task RunAsync(string testCase) => testCase switch
    {
        "empty_unary" => EmptyUnaryAsync(),
        "large_unary" => LargeUnaryAsync(),
        "client_compressed_unary" => ClientCompressedUnaryAsync(),
        "server_compressed_unary" => ServerCompressedUnaryAsync(),
        "client_streaming" => ClientStreamingAsync(),
        "client_compressed_streaming" => ClientCompressedStreamingAsync(),
        "server_streaming" => ServerStreamingAsync(),
        "server_compressed_streaming" => ServerCompressedStreamingAsync(),
        "ping_pong" => PingPongAsync(),
        "empty_stream" => EmptyStreamAsync(),
        "custom_metadata" => CustomMetadataAsync(),
        "status_code_and_message" => StatusCodeAndMessageAsync(),
        "special_status_message" => SpecialStatusMessageAsync(),
        "unimplemented_method" => UnimplementedMethodAsync(),
        "unimplemented_service" => UnimplementedServiceAsync(),
        "cancel_after_begin" => CancelAfterBeginAsync(),
        "cancel_after_first_response" => CancelAfterFirstResponseAsync(),
        "timeout_on_sleeping_server" => TimeoutOnSleepingServerAsync(),
        _ => throw new ArgumentException($"Unknown test case '{testCase}'. Known: {string.Join(", ", TestCases)}.", nameof(testCase)),
    };

    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(30);

    private async Task EmptyUnaryAsync()
    {
        var response = await _client.EmptyCallAsync(new Empty(), deadline: Deadline);
        Check(response is not null, "EmptyCall returned no response.");
    }

    private async Task LargeUnaryAsync()
    {
        var response = await _client.UnaryCallAsync(LargeRequest(), deadline: Deadline);
        CheckZeros(response.Payload, 314159);
    }

    private async Task ClientCompressedUnaryAsync()
    {
        // Probe: an uncompressed request that claims to expect compression must be refused.
        var probe = LargeRequest();
        probe.ExpectCompressed = new BoolValue { Value = true };
        if (requireCompressionProbe)
        {
            await ExpectStatusAsync(StatusCode.InvalidArgument, async () => await _client.UnaryCallAsync(probe, deadline: Deadline));
        }

        var compressed = LargeRequest();
        compressed.ExpectCompressed = new BoolValue { Value = true };
        CheckZeros((await _client.UnaryCallAsync(compressed, new CallOptions(GzipCall, Deadline))).Payload, 314159);

        var uncompressed = LargeRequest();
        uncompressed.ExpectCompressed = new BoolValue { Value = false };
        CheckZeros((await _client.UnaryCallAsync(uncompressed, deadline: Deadline)).Payload, 314159);
    }

    private async Task ServerCompressedUnaryAsync()
    {
        foreach (var compress in new[] { true, false })
        {
            var request = LargeRequest();
            request.ResponseCompressed = new BoolValue { Value = compress };
            CheckZeros((await _client.UnaryCallAsync(request, deadline: Deadline)).Payload, 314159);
        }
    }

    private async Task ClientStreamingAsync()
    {
        using var call = _client.StreamingInputCall(deadline: Deadline);
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(size) });
        }
        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        Check(response.AggregatedPayloadSize == 74922, $"aggregated_payload_size is {response.AggregatedPayloadSize}, expected 74922.");
    }

    private async Task ClientCompressedStreamingAsync()
    {
        if (requireCompressionProbe)
        {
            using var probe = _client.StreamingInputCall(deadline: Deadline);
            await ExpectStatusAsync(StatusCode.InvalidArgument, async () =>
            {
                await probe.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = true }, Payload = Zeros(27182) });
                await probe.RequestStream.CompleteAsync();
                await probe.ResponseAsync;
            });
        }

        using var call = _client.StreamingInputCall(new CallOptions(GzipCall, Deadline));
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = true }, Payload = Zeros(27182) });
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = false }, Payload = Zeros(45904) });
        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        Check(response.AggregatedPayloadSize == 73086, $"aggregated_payload_size is {response.AggregatedPayloadSize}, expected 73086.");
    }

    private async Task ServerStreamingAsync()
    {
        var sizes = new[] { 31415, 9, 2653, 58979 };
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(sizes.Select(size => new ResponseParameters { Size = size }));
        using var call = _client.StreamingOutputCall(request, deadline: Deadline);
        await CheckResponsesAsync(call.ResponseStream, sizes);
        Check(call.GetStatus().StatusCode == StatusCode.OK, $"status is {call.GetStatus()}, expected OK.");
    }

    private async Task ServerCompressedStreamingAsync()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } });
        request.ResponseParameters.Add(new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } });
        using var call = _client.StreamingOutputCall(request, deadline: Deadline);
        await CheckResponsesAsync(call.ResponseStream, [31415, 92653]);
    }

    private async Task PingPongAsync()
    {
        (int Response, int Request)[] rounds = [(31415, 27182), (9, 8), (2653, 1828), (58979, 45904)];
        using var call = _client.FullDuplexCall(deadline: Deadline);
        foreach (var (responseSize, requestSize) in rounds)
        {
            var request = new StreamingOutputCallRequest { Payload = Zeros(requestSize) };
            request.ResponseParameters.Add(new ResponseParameters { Size = responseSize });
            await call.RequestStream.WriteAsync(request);
            Check(await call.ResponseStream.MoveNext(CancellationToken.None), "the response stream ended early.");
            CheckZeros(call.ResponseStream.Current.Payload, responseSize);
        }
        await call.RequestStream.CompleteAsync();
        Check(!await call.ResponseStream.MoveNext(CancellationToken.None), "the server sent more responses than requested.");
    }

    private async Task EmptyStreamAsync()
    {
        using var call = _client.FullDuplexCall(deadline: Deadline);
        await call.RequestStream.CompleteAsync();
        Check(!await call.ResponseStream.MoveNext(CancellationToken.None), "the server sent a response to an empty stream.");
        Check(call.GetStatus().StatusCode == StatusCode.OK, $"status is {call.GetStatus()}, expected OK.");
    }

    private async Task CustomMetadataAsync()
    {
        const string initialValue = "test_initial_metadata_value";
        byte[] trailingValue = [0xab, 0xab, 0xab];
        Metadata Headers() => new() { { "x-grpc-test-echo-initial", initialValue }, { "x-grpc-test-echo-trailing-bin", trailingValue } };

        using (var unary = _client.UnaryCallAsync(LargeRequest(), Headers(), Deadline))
        {
            await unary.ResponseAsync;
            CheckEchoedMetadata(await unary.ResponseHeadersAsync, unary.GetTrailers(), initialValue, trailingValue);
        }

        using var duplex = _client.FullDuplexCall(Headers(), Deadline);
        var request = new StreamingOutputCallRequest { Payload = Zeros(271828) };
        request.ResponseParameters.Add(new ResponseParameters { Size = 314159 });
        await duplex.RequestStream.WriteAsync(request);
        await duplex.RequestStream.CompleteAsync();
        await CheckResponsesAsync(duplex.ResponseStream, [314159]);
        CheckEchoedMetadata(await duplex.ResponseHeadersAsync, duplex.GetTrailers(), initialValue, trailingValue);
    }

    private async Task StatusCodeAndMessageAsync()
    {
        const string message = "test status message";
        var echo = new EchoStatus { Code = 2, Message = message };
        await ExpectStatusAsync(StatusCode.Unknown, async () => await _client.UnaryCallAsync(new SimpleRequest { ResponseStatus = echo }, deadline: Deadline), message);

        using var duplex = _client.FullDuplexCall(deadline: Deadline);
        await duplex.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = echo });
        await duplex.RequestStream.CompleteAsync();
        await ExpectStatusAsync(StatusCode.Unknown, async () => await duplex.ResponseStream.MoveNext(CancellationToken.None), message);
    }

    private Task SpecialStatusMessageAsync() =>
        ExpectStatusAsync(StatusCode.Unknown, async () => await _client.UnaryCallAsync(
            new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = SpecialStatusMessage } }, deadline: Deadline), SpecialStatusMessage);

    private Task UnimplementedMethodAsync() =>
        ExpectStatusAsync(StatusCode.Unimplemented, async () => await _client.UnimplementedCallAsync(new Empty(), deadline: Deadline));

    private Task UnimplementedServiceAsync() =>
        ExpectStatusAsync(StatusCode.Unimplemented, async () => await _unimplemented.UnimplementedCallAsync(new Empty(), deadline: Deadline));

    private async Task CancelAfterBeginAsync()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.StreamingInputCall(cancellationToken: cts.Token);
        await cts.CancelAsync();
        await ExpectStatusAsync(StatusCode.Cancelled, async () => await call.ResponseAsync);
    }

    private async Task CancelAfterFirstResponseAsync()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.FullDuplexCall(cancellationToken: cts.Token);
        var request = new StreamingOutputCallRequest { Payload = Zeros(27182) };
        request.ResponseParameters.Add(new ResponseParameters { Size = 31415 });
        await call.RequestStream.WriteAsync(request);
        Check(await call.ResponseStream.MoveNext(CancellationToken.None), "no first response.");
        CheckZeros(call.ResponseStream.Current.Payload, 31415);
        await cts.CancelAsync();
        await ExpectStatusAsync(StatusCode.Cancelled, async () => await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    private async Task TimeoutOnSleepingServerAsync()
    {
        using var call = _client.FullDuplexCall(deadline: DateTime.UtcNow.AddMilliseconds(1));
        try
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182) });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            // The deadline may pass before the write: that is the expected outcome too.
        }
        await ExpectStatusAsync(StatusCode.DeadlineExceeded, async () => await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    private static SimpleRequest LargeRequest() => new() { ResponseType = PayloadType.Compressable, ResponseSize = 314159, Payload = Zeros(271828) };

    private static Payload Zeros(int size) => new() { Type = PayloadType.Compressable, Body = ByteString.CopyFrom(new byte[size]) };

    private static async Task CheckResponsesAsync(IAsyncStreamReader<StreamingOutputCallResponse> stream, int[] sizes)
    {
        var index = 0;
        while (await stream.MoveNext(CancellationToken.None))
        {
            Check(index < sizes.Length, $"more than the {sizes.Length} expected responses.");
            CheckZeros(stream.Current.Payload, sizes[index]);
            index++;
        }
        Check(index == sizes.Length, $"{index} responses, expected {sizes.Length}.");
    }

    private static void CheckEchoedMetadata(Metadata headers, Metadata trailers, string initial, byte[] trailing)
    {
        Check(headers.GetValue("x-grpc-test-echo-initial") == initial,
            $"initial metadata echo is '{headers.GetValue("x-grpc-test-echo-initial")}', expected '{initial}'.");
        var echoed = trailers.GetValueBytes("x-grpc-test-echo-trailing-bin");
        Check(echoed is not null && echoed.SequenceEqual(trailing),
            $"trailing metadata echo is {(echoed is null ? "missing" : Convert.ToHexString(echoed))}, expected {Convert.ToHexString(trailing)}.");
    }

    private static void CheckZeros(Payload? payload, int size)
    {
        Check(payload is not null, "the response has no payload.");
        Check(payload!.Body.Length == size, $"payload is {payload.Body.Length} bytes, expected {size}.");
        Check(payload.Body.Span.IndexOfAnyExcept((byte)0) < 0, "payload is not all zeros.");
    }

    private static async Task ExpectStatusAsync(StatusCode expected, Func<Task> call, string? expectedMessage = null)
    {
        try
        {
            await call();
        }
        catch (RpcException ex)
        {
            Check(ex.StatusCode == expected, $"status is {ex.StatusCode} ({ex.Status.Detail}), expected {expected}.");
            if (expectedMessage is not null)
            {
                Check(ex.Status.Detail == expectedMessage, $"status message is '{ex.Status.Detail}', expected '{expectedMessage}'.");
            }
            return;
        }
        throw new InteropAssertionException($"the call succeeded, expected status {expected}.");
    }

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InteropAssertionException(failure);
        }
    }
}

/// <summary>An interop case did not see what the description requires.</summary>
public sealed class InteropAssertionException(string message) : Exception(message);
