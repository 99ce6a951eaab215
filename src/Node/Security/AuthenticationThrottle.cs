using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Federation.Node.Security;

/// <summary>
/// Failed sign-ins (credentials presented and refused: a wrong API token, an expired or revoked
/// certificate…) counted per client address. The first <see cref="SecurityOptions.FailedSignInsFree"/>
/// cost nothing; each further one is answered only after a delay that doubles from
/// <see cref="SecurityOptions.FailedSignInDelay"/> up to <see cref="SecurityOptions.FailedSignInMaxDelay"/>;
/// at <see cref="SecurityOptions.FailedSignInsBeforeLockout"/> the address is locked out for
/// <see cref="SecurityOptions.FailedSignInLockout"/>: any token sign-in from it is refused
/// (RESOURCE_EXHAUSTED), a right one too, so guessing learns nothing meanwhile. A certificate
/// that checks out still passes — it cannot be guessed, and a colleague behind the same NAT keeps
/// working. Failures are forgotten <see cref="SecurityOptions.FailedSignInWindow"/> after the
/// last one. Addresses are keyed as the public check's limit keys them (an IPv6 /64 is one client).
/// </summary>
internal sealed class AuthenticationThrottle(IOptions<SecurityOptions> options, TimeProvider time)
{
    // A flood from many addresses must not grow this without bound: past this many, forgotten
    // entries are swept first, and if that is not enough the oldest half goes.
    internal const int MaxClients = 100_000;

    private readonly ConcurrentDictionary<string, Client> _clients = new(StringComparer.Ordinal);

    private sealed class Client
    {
        public int Failures;
        public DateTimeOffset Last;
        public DateTimeOffset LockedUntil;
    }

    /// <summary>Until when the client is locked out, or null when it is not.</summary>
    public DateTimeOffset? LockedUntil(string client)
    {
        if (!_clients.TryGetValue(client, out var state))
        {
            return null;
        }
        lock (state)
        {
            return state.LockedUntil > time.GetUtcNow() ? state.LockedUntil : null;
        }
    }

    /// <summary>Counts a failed sign-in; returns how long to hold its refusal back, and whether it locked the address out.</summary>
    public (TimeSpan Delay, bool Locked) Failed(string client)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (_clients.Count >= MaxClients && !_clients.ContainsKey(client))
        {
            Sweep(now, settings.FailedSignInWindow);
        }
        var state = _clients.GetOrAdd(client, _ => new Client());
        lock (state)
        {
            if (now - state.Last > settings.FailedSignInWindow && state.LockedUntil <= now)
            {
                state.Failures = 0;
            }
            state.Failures++;
            state.Last = now;
            var locked = false;
            if (settings.FailedSignInsBeforeLockout > 0 && state.Failures >= settings.FailedSignInsBeforeLockout && state.LockedUntil <= now)
            {
                locked = true;
                state.LockedUntil = now + settings.FailedSignInLockout;
                // After the lockout the count starts over, from the delays.
                state.Failures = settings.FailedSignInsFree;
            }
            var over = state.Failures - settings.FailedSignInsFree;
            if (over <= 0 || settings.FailedSignInDelay <= TimeSpan.Zero)
            {
                return (TimeSpan.Zero, locked);
            }
            var delay = settings.FailedSignInDelay * Math.Pow(2, Math.Min(over - 1, 30));
            return (delay < settings.FailedSignInMaxDelay ? delay : settings.FailedSignInMaxDelay, locked);
        }
    }

    private void Sweep(DateTimeOffset now, TimeSpan window)
    {
        foreach (var (key, state) in _clients)
        {
            if (now - state.Last > window && state.LockedUntil <= now)
            {
                _clients.TryRemove(key, out _);
            }
        }
        if (_clients.Count >= MaxClients)
        {
            foreach (var (key, _) in _clients.OrderBy(c => c.Value.Last).Take(_clients.Count / 2).ToList())
            {
                _clients.TryRemove(key, out _);
            }
        }
    }
}
