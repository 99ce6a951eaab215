using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Grpc.AspNetCore.Server.Internal;

// Deadlines (PROTOCOL-HTTP2.md "Timeouts", "Client Cancellation"). When the deadline passes, the
// server sends grpc-status 4 (DEADLINE_EXCEEDED) — as trailers, or trailers-only if nothing was
// sent — then resets the stream with CANCEL and cancels the handler's token.
//
// Concurrency: the deadline fires on a timer thread while the handler may be writing. Only calls
// with a deadline have a lock (_callLock); every response write, the header write and the end of
// the call take it, so the deadline's status never interleaves with a message, and once the call
// has ended the timer never touches the HttpContext (Kestrel reuses it for later requests).
internal sealed partial class HttpContextServerCallContext
{
    // DateTime.UtcNow is precise to ~15 ms on some platforms: wait a little longer than asked
    // so the deadline is never declared early.
    private static readonly TimeSpan TimerEpsilon = TimeSpan.FromMilliseconds(14);

    private DateTime _deadline = DateTime.MaxValue;
    private TimeSpan _timeout;
    private CancellationTokenSource? _deadlineCts;
    private CancellationTokenRegistration _abortRegistration;
    private ITimer? _deadlineTimer;
    private SemaphoreSlim? _callLock;
    private bool _callEnded;
    private bool _deadlineExceeded;

    /// <summary>Whether the deadline passed and the server already ended the call with DEADLINE_EXCEEDED.</summary>
    public bool DeadlineExceeded => _deadlineExceeded;

    private void StartDeadline(TimeSpan timeout)
    {
        _timeout = timeout;
        _deadline = DateTime.UtcNow + timeout;
        _callLock = new SemaphoreSlim(1, 1);
        _deadlineCts = new CancellationTokenSource();
        _abortRegistration = HttpContext.RequestAborted.Register(static state => CancelQuietly((CancellationTokenSource)state!), _deadlineCts);
        _deadlineTimer = TimeProvider.System.CreateTimer(static state => _ = ((HttpContextServerCallContext)state!).OnDeadlineAsync(),
            this, timeout + TimerEpsilon, Timeout.InfiniteTimeSpan);
    }

    private async Task OnDeadlineAsync()
    {
        await _callLock!.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_callEnded)
            {
                return;
            }
            _deadlineExceeded = true;
            _callEnded = true;
            GrpcServerLog.DeadlineExceeded(_logger, _timeout);
            WriteStatus(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
            try
            {
                // Flush the status to the client before resetting the stream.
                await HttpContext.Response.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
            {
                // The client went away; nothing to tell it.
            }
            var reset = HttpContext.Features.Get<IHttpResetFeature>();
            if (reset is not null)
            {
                reset.Reset(errorCode: 0x8); // CANCEL
            }
            else
            {
                HttpContext.Abort();
            }
        }
        finally
        {
            _callLock.Release();
        }
        CancelQuietly(_deadlineCts!);
    }

    private static void CancelQuietly(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished while the timer fired.
        }
    }

    /// <summary>Takes the call lock (only calls with a deadline have one).</summary>
    internal Task EnterAsync() => _callLock?.WaitAsync() ?? Task.CompletedTask;

    internal void Exit() => _callLock?.Release();

    internal void ThrowIfCallEnded()
    {
        if (_deadlineExceeded)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
        }
        if (_callEnded)
        {
            throw new InvalidOperationException("Can't write the message because the call is complete.");
        }
    }

    /// <summary>Stops the deadline timer and releases the call's resources.</summary>
    public void Cleanup()
    {
        if (_deadlineTimer is not null)
        {
            _deadlineTimer.Dispose();
            _abortRegistration.Dispose();
            // The CTS is not disposed: a timer callback that already started may still cancel it
            // (CancelQuietly), and an undisposed CTS without a timer holds no unmanaged resources.
        }
    }
}
