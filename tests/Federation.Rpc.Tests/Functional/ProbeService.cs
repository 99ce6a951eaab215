using System.Collections.Concurrent;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Testing;

namespace Federation.Rpc.Tests.Functional;

/// <summary>What the probe service saw of its calls, for tests to assert on.</summary>
public sealed class ProbeState
{
    public TaskCompletionSource<ServerCallContext> CallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<bool> HandlerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public ConcurrentDictionary<string, int> ConnectionIds { get; } = new();
    public string? LastPeer { get; set; }
    public DateTime LastDeadline { get; set; }
    public string? LastClientCertificateName { get; set; }
}

/// <summary>
/// A TestService whose handlers do what a test needs: EmptyCall records the call's context;
/// UnaryCall with response_size -1 blocks until cancelled, -2 throws a plain exception, -3 blocks
/// until released (counting connections).
/// </summary>
public sealed class ProbeService(ProbeState state) : TestService.TestServiceBase
{
    public override Task<Empty> EmptyCall(Empty request, ServerCallContext context)
    {
        state.LastPeer = context.Peer;
        state.LastDeadline = context.Deadline;
        state.LastClientCertificateName = context.AuthContext.PeerIdentity.FirstOrDefault()?.Value;
        return Task.FromResult(new Empty());
    }

    public override async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        switch (request.ResponseSize)
        {
            case -1:
                state.LastDeadline = context.Deadline;
                state.CallStarted.TrySetResult(context);
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    state.HandlerCancelled.TrySetResult(true);
                    throw;
                }
                break;
            case -2:
                throw new InvalidOperationException("boom: a bug in the handler");
            case -3:
                state.ConnectionIds.AddOrUpdate(context.GetHttpContext().Connection.Id, 1, (_, n) => n + 1);
                state.CallStarted.TrySetResult(context);
                await state.Release.Task.WaitAsync(context.CancellationToken);
                break;
        }
        return new SimpleResponse { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[Math.Max(0, request.ResponseSize)]) } };
    }
}
