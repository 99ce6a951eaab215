using Federation.Node.Security;
using Federation.Store.Security;
using Federation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Security;

/// <summary>
/// Repeated refusals coalesced in the audit log (issue 20 item 6): the first of a kind is written
/// as it happens, the rest of the window counted and written as one entry in the chain; other
/// kinds, and answered calls, are entries of their own.
/// </summary>
public sealed class AuditTrailTests : IDisposable
{
    private const string Method = "/federation.v1.Admin/GetNodeStatus";
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AppendRefusalAsync_AFlood_IsTheFirstEntryAndOneCountPerWindow_StillChained()
    {
        // Arrange
        var paths = new SecurityPaths(null, null, _directory.File("audit.key"), _directory.File("city.security.db"));
        using var log = AuditLog.Open(paths.DatabasePath);
        using var trail = new AuditTrail(log, paths, Options.Create(new SecurityOptions { AuditRefusalWindow = TimeSpan.FromMinutes(1) }), _time,
            NullLogger<AuditTrail>.Instance);
        await trail.StartAsync(CancellationToken.None);
        AuditEntry Entry(string principal, string outcome) => new(_time.GetUtcNow(), principal, "", Method, "", "", outcome, "city-440100");

        // Act: 300 wrong tokens in 30 s, an account's call answered in between, another kind of refusal
        for (var i = 0; i < 300; i++)
        {
            await trail.AppendRefusalAsync(Entry("refused:token", "Unauthenticated")).DefaultTimeout();
            if (i == 150)
            {
                await trail.AppendAsync(Entry("account:li.na", "OK")).DefaultTimeout();
                await trail.AppendRefusalAsync(Entry("account:li.na", "PermissionDenied")).DefaultTimeout();
            }
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }
        var beforeWindowEnds = log.Read(0, 100).Count;
        _time.Advance(TimeSpan.FromMinutes(1));
        await trail.AppendRefusalAsync(Entry("refused:token", "Unauthenticated")).DefaultTimeout(); // a new window: written again
        await trail.StopAsync(CancellationToken.None).DefaultTimeout();

        // Assert
        var entries = log.Read(0, 100);
        Assert.Equal(3, beforeWindowEnds);
        Assert.Equal(
            [("refused:token", "Unauthenticated", ""), ("account:li.na", "OK", ""), ("account:li.na", "PermissionDenied", ""),
             ("refused:token", "Unauthenticated", "×299 more like this from 2026-12-07T08:00:00Z to"),
             ("refused:token", "Unauthenticated", "")],
            entries.Select(e => (e.Entry.Principal, e.Entry.Outcome, e.Entry.Subject.Length > 48 ? e.Entry.Subject[..48] : e.Entry.Subject)).ToList());
        Assert.EndsWith("(coalesced)", entries[3].Entry.Subject, StringComparison.Ordinal);
        Assert.Empty(log.Verify());
        Assert.Equal(0, trail.PendingRefusals);
    }
}
