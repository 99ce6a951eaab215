using Federation.Node.Exchange.Parent;
using Federation.Node.Configuration;
using Federation.Node.Registration;
using Federation.Node.Tests.Errors;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Store.Registration;
using Federation.Testing;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Reliability;

/// <summary>
/// The node's wall clock jumping forward and back (issue 25, item 4; docs/reliability.md): an NTP
/// correction, an operator setting the date, a virtual machine resumed. <see cref="JumpingClock"/>
/// does what the system clock does — the time of day jumps, timers (monotonic) do not — so that
/// what the node decides from the date is tested: the pull schedule neither fires a storm nor stalls,
/// a period is sealed once and never before its date, and registration deadlines stay as counted
/// when the application was received, with no decision dated before its receipt.
/// </summary>
public sealed class ClockJumpTests : IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task PullRetrySchedule_NeitherStormsNorStalls_WhenTheClockJumps()
    {
        var clock = new JumpingClock(new DateTimeOffset(2026, 11, 1, 9, 0, 0, Beijing));
        var settings = new ExchangeOptions { RetryInitial = TimeSpan.FromSeconds(30), RetryMax = TimeSpan.FromMinutes(30) };
        var retry = ChildPullScheduler.CreateRetryPipeline(settings, clock);
        var attempts = 0;
        using var stop = new CancellationTokenSource();
        // A child that never answers: every pull fails, and the pipeline decides when to try again.
        Func<CancellationToken, ValueTask> pull = _ =>
        {
            Interlocked.Increment(ref attempts);
            throw new PullFailedException("city-440100 does not answer", new InvalidOperationException());
        };
        var loop = retry.ExecuteAsync(pull, stop.Token).AsTask();
        await Poll.UntilAsync(() => Volatile.Read(ref attempts) == 1, TimeSpan.FromSeconds(30), "the first pull");

        // Forward a month: nothing is due by the date, so nothing fires (no storm of missed retries).
        clock.Jump(TimeSpan.FromDays(31));
        await Task.Delay(200);
        Assert.Equal(1, Volatile.Read(ref attempts));
        // Back a year: the retry already waiting still comes when its time has run (no stall).
        clock.Jump(TimeSpan.FromDays(-365));
        for (var i = 0; i < 40; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(50);
        }
        // 40 minutes of running time: at least one retry (the longest wait is RetryMax, 30 min, plus
        // jitter), and not a storm: the backoff from 30 s on allows about 8.
        var afterForty = Volatile.Read(ref attempts);
        Assert.InRange(afterForty, 2, 15);
        for (var i = 0; i < 120; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(50);
        }
        // Two more hours at the capped wait: still retrying, about once per RetryMax (30 min).
        Assert.InRange(Volatile.Read(ref attempts) - afterForty, 2, 15);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public void APeriod_IsSealedOnce_AndNeverBeforeItsDate_WhateverTheClockSays()
    {
        var clock = new JumpingClock(new DateTimeOffset(2026, 11, 1, 9, 0, 0, Beijing));
        using var store = SqliteStore.Open(new StoreOptions { Path = _directory.File("city.db"), NodeId = "city-440100" });
        Stage(store, "440106199001010011");
        var october = store.Periods.Seal(new DateOnly(2026, 10, 31), clock.GetUtcNow());

        // Back a month: 31 October is in the future again, and sealed already either way.
        clock.Jump(TimeSpan.FromDays(-30));
        var again = Assert.Throws<StoreException>(() => store.Periods.Seal(new DateOnly(2026, 10, 31), clock.GetUtcNow()));
        Assert.StartsWith("Period 2026-10-31 is in the future (today is 2026-10-02, Beijing time)", again.Message, StringComparison.Ordinal);
        var earlier = Assert.Throws<StoreException>(() => store.Periods.Seal(new DateOnly(2026, 10, 1), clock.GetUtcNow()));
        Assert.Equal("Period 2026-10-01 is before the latest sealed period 2026-10-31; periods are sealed in order.", earlier.Message);
        Assert.Equal([(october.Period, october.Digest, october.SealedAt)], store.Periods.ListManifests().Select(m => (m.Period, m.Digest, m.SealedAt)));

        // Forward past the end of November: its period is sealed, once.
        clock.Jump(TimeSpan.FromDays(61));
        Stage(store, "440106199001010038");
        var november = store.Periods.Seal(new DateOnly(2026, 11, 30), clock.GetUtcNow());
        var twice = Assert.Throws<StoreException>(() => store.Periods.Seal(new DateOnly(2026, 11, 30), clock.GetUtcNow()));
        Assert.StartsWith("Period 2026-11-30 is already sealed", twice.Message, StringComparison.Ordinal);
        Assert.Equal([new DateOnly(2026, 10, 31), new DateOnly(2026, 11, 30)], store.Periods.ListManifests().Select(m => m.Period.AsOf));
        Assert.Equal(november.Digest, store.Periods.RecomputeDigest(new DateOnly(2026, 11, 30)));
        Assert.Equal(october.Digest, store.Periods.RecomputeDigest(new DateOnly(2026, 10, 31)));
    }

    [Fact]
    public void RegistrationDeadlines_StayAsCounted_AndNoDecisionPrecedesItsReceipt_WhenTheClockJumps()
    {
        var clock = new JumpingClock(new DateTimeOffset(2026, 9, 30, 10, 0, 0, Beijing));
        using var cityStore = SqliteStore.Open(new StoreOptions { Path = _directory.File("city/city-440100.db"), NodeId = "city-440100" });
        using var ministryStore = SqliteStore.Open(new StoreOptions { Path = _directory.File("ministry/ministry.db"), NodeId = "ministry" });
        using var cityJournal = SqliteRegistrationJournal.Open(SqliteRegistrationJournal.PathFor(cityStore.Path));
        using var ministryJournal = SqliteRegistrationJournal.Open(SqliteRegistrationJournal.PathFor(ministryStore.Path));
        var city = Desk(cityJournal, cityStore, "city-440100", "city", "440100", clock);
        var ministry = Desk(ministryJournal, ministryStore, "ministry", "ministry", "000000", clock);
        ministryJournal.SetServed("province-440000", ["440100"]);
        var first17 = "44010619900101123";
        var application = ministry.Submit(new SubmitApplicationRequest
        {
            CitizenId = first17 + CitizenId.CheckCharacter(first17), Name = "陈晓明", PlaceType = "residence", PlaceDivision = "440106",
            Category = "employment_to_unemployment", PlatformReference = "ref-1",
        }).Application;
        foreach (var (seq, pending) in ministryJournal.ApplicationsAfter(cityJournal.ParentCursor().Seq, 100))
        {
            city.ReceiveFromParent(new ApplicationDelivery { Seq = seq, Application = RegistrationMessages.ToMessage(pending), Epoch = ministryJournal.Epoch });
        }
        // Received Wednesday 30 September: three working days, counted with the weekend, is Monday 5 October.
        var due = application.DecisionDue;
        Assert.Equal(new DateOnly(2026, 10, 5), due);

        // Forward three weeks: overdue.
        clock.Jump(TimeSpan.FromDays(21));
        Assert.Single(city.Journal.ListApplications("", "", overdueOnly: true, city.Today, 100));
        // Back to before the receipt: no longer overdue, the deadline as it was counted, and a
        // decision today would precede the receipt — refused, naming the field, nothing recorded.
        clock.Jump(TimeSpan.FromDays(-26));
        Assert.Empty(city.Journal.ListApplications("", "", overdueOnly: true, city.Today, 100));
        Assert.Equal(due, city.Journal.FindApplication(application.ApplicationId)!.DecisionDue);
        var refused = Refusal.Of(() => city.Decide(application.ApplicationId, accept: true, ""));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("decided_on", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("is before the application's receipt (2026-09-30)", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(ApplicationRecord.Pending, city.Journal.FindApplication(application.ApplicationId)!.Status);

        // The clock right again (Tuesday 6 October): decided, the contact deadline counted from that day.
        clock.Jump(TimeSpan.FromDays(11));
        var decided = city.Decide(application.ApplicationId, accept: true, "");
        Assert.Equal(new DateOnly(2026, 10, 6), decided.DecidedOn);
        Assert.Equal(new DateOnly(2026, 10, 13), decided.ContactDue); // five working days after Tuesday 6 October
    }

    private static void Stage(SqliteStore store, string citizen)
    {
        using var staging = store.Staging.BeginStaging();
        staging.Upsert(Dataset.Persons, [citizen, "张三", "1", "1990-01-01", "440106", "1", "440106", "1"]);
        staging.Commit();
    }

    private static RegistrationDesk Desk(IRegistrationJournal journal, SqliteStore store, string id, string level, string division, TimeProvider clock) =>
        new(journal, store.Staging, store.Holders, store.Periods, new NodeIdentity(new NodeOptions
        {
            Id = id, Level = level, DivisionCode = division,
            Children = level == "ministry" ? [new ChildOptions { Id = "city-440100", DivisionCode = "440100", Address = "https://127.0.0.1:1" }] : [],
        }, clock),
            Microsoft.Extensions.Options.Options.Create(new RegistrationOptions()), clock, new RegistrationSignals(), NullLogger<RegistrationDesk>.Instance);
}

/// <summary>
/// A clock like the system's: the time of day (<see cref="GetUtcNow"/>) can jump forward or back,
/// while timers and timestamps run on elapsed time only (.NET's timers are monotonic), moved by
/// <see cref="Advance"/>.
/// </summary>
public sealed class JumpingClock(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _elapsed = new(start);
    private TimeSpan _jumped;

    public override DateTimeOffset GetUtcNow() => _elapsed.GetUtcNow() + _jumped;

    public override long GetTimestamp() => _elapsed.GetTimestamp();

    public override long TimestampFrequency => _elapsed.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => _elapsed.CreateTimer(callback, state, dueTime, period);

    /// <summary>The time of day jumps by <paramref name="by"/> (negative: back); no timer moves.</summary>
    public void Jump(TimeSpan by) => _jumped += by;

    /// <summary>Time passes: the time of day and every timer move on by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => _elapsed.Advance(by);
}
