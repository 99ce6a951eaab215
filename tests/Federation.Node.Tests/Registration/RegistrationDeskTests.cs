using Federation.Node.Hosting;
using Federation.Node.Registration;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Registration;
using Federation.Testing;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Registration;

/// <summary>
/// The registration service's rules on a fake clock, a ministry and a city wired in-process the way
/// their links wire them (deliveries down, feed entries up): working-day deadlines with configured
/// holidays and make-up days, what is overdue and where, R-17's reasons, R-18's one registration,
/// the feed applied once, and the feed checked against sealed periods.
/// </summary>
public sealed class RegistrationDeskTests : IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly string Worker = Citizen("440106", "19900101", "123");

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 9, 30, 10, 0, 0, Beijing));
    private readonly FederationStore _cityStore;
    private readonly FederationStore _ministryStore;
    private readonly RegistrationJournal _cityJournal;
    private readonly RegistrationJournal _ministryJournal;
    private readonly RegistrationDesk _city;
    private readonly RegistrationDesk _ministry;

    // National Day 2026 as a notice would configure it: 1–7 October off (the weekdays among them
    // listed), Saturday 10 October worked instead.
    private static readonly RegistrationOptions Options = new()
    {
        Holidays = ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"],
        MakeUpWorkingDays = ["2026-10-10"],
    };

    public RegistrationDeskTests()
    {
        _cityStore = FederationStore.Open(new StoreOptions { Path = _directory.File("city/city-440100.db"), NodeId = "city-440100" });
        _ministryStore = FederationStore.Open(new StoreOptions { Path = _directory.File("ministry/ministry.db"), NodeId = "ministry" });
        _cityJournal = RegistrationJournal.Open(RegistrationJournal.PathFor(_cityStore.Path));
        _ministryJournal = RegistrationJournal.Open(RegistrationJournal.PathFor(_ministryStore.Path));
        _city = Desk(_cityJournal, _cityStore, "city-440100", "city", "440100");
        _ministry = Desk(_ministryJournal, _ministryStore, "ministry", "ministry", "000000");
    }

    public void Dispose()
    {
        _cityJournal.Dispose();
        _ministryJournal.Dispose();
        _cityStore.Dispose();
        _ministryStore.Dispose();
        _directory.Dispose();
    }

    private RegistrationDesk Desk(RegistrationJournal journal, FederationStore store, string id, string level, string division) =>
        new(journal, store.Staging, store.Holders, store.Periods, new NodeIdentity(new NodeOptions { Id = id, Level = level, DivisionCode = division }, _time),
            Microsoft.Extensions.Options.Options.Create(Options), _time, new RegistrationSignals(), NullLogger<RegistrationDesk>.Instance);

    [Fact]
    public void Deadlines_CountWorkingDays_FromTheDayAfter_WithHolidaysAndMakeUpDays_AndOverdueIsListedPerCity()
    {
        // Received Wednesday 30 September: 1–7 October are off, Thursday 8 and Friday 9 count, and
        // the make-up Saturday 10 October is the third working day.
        var application = Submit(Worker, "ref-1");
        Assert.Equal((new DateOnly(2026, 10, 10), "440100", ApplicationRecord.Pending), (application.DecisionDue, application.CityDivision, application.Status));
        Deliver();

        _time.SetUtcNow(new DateTimeOffset(2026, 10, 10, 23, 0, 0, Beijing));
        Assert.Empty(_city.Journal.ListApplications("", "", overdueOnly: true, _city.Today, 100));
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 11, 0, 30, 0, Beijing));
        Assert.Equal([application.ApplicationId], _city.Journal.ListApplications("", "", overdueOnly: true, _city.Today, 100).Select(a => a.ApplicationId));
        Assert.Equal([new CityBacklogCount("440100", 1, 1, 0)], _city.Journal.Backlog(_city.Today));
        Assert.True(RegistrationMessages.ToMessage(_city.Journal.FindApplication(application.ApplicationId)!, _city.Today).DecisionOverdue);

        // Decided late on Monday 12 October: contact is due by the 5th working day after, Monday 19.
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 12, 9, 0, 0, Beijing));
        var decided = _city.Decide(application.ApplicationId, accept: true, "");
        Assert.Equal((new DateOnly(2026, 10, 12), new DateOnly(2026, 10, 19)), (decided.DecidedOn, decided.ContactDue));
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 20, 9, 0, 0, Beijing));
        Assert.Equal([new CityBacklogCount("440100", 0, 0, 1)], _city.Journal.Backlog(_city.Today));
        FeedUp();
        // The ministry sees the same: the decision came up with the contact deadline.
        Assert.Equal([new CityBacklogCount("440100", 0, 0, 1)], _ministry.Journal.Backlog(_ministry.Today));
        _city.Contact(application.ApplicationId);
        FeedUp();
        Assert.Equal([new CityBacklogCount("440100", 0, 0, 0)], _ministry.Journal.Backlog(_ministry.Today));
        var again = Assert.Throws<RpcException>(() => _city.Contact(application.ApplicationId));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public void AnOnlineApplication_JoinsTheLocalRegistration_FromTheCitysExport_EarlierStartStands()
    {
        // The city's export already holds a registration of the worker from 15 September.
        using (var staging = _cityStore.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.Unemployment, ["GZ-0042", Worker, "employment_to_unemployment", "2026-09-15", "", "", "440106", "1"]);
            staging.Commit();
        }
        var application = Submit(Worker, "ref-1");
        Deliver();
        var decided = _city.Decide(application.ApplicationId, accept: true, "");
        Assert.Equal("GZ-0042", decided.RegistrationId);
        var registration = _city.Journal.FindRegistration("GZ-0042")!;
        Assert.Equal((new DateOnly(2026, 9, 15), "local+online"), (registration.RegisterDate, registration.Sources));
        Assert.Equal([application.ApplicationId], registration.ApplicationIds);

        // A local registration of the same person in the same city is the same registration again.
        var (local, merged) = _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-0099", CitizenId = Worker, Category = "other", HandlingDivision = "440106" });
        Assert.True(merged);
        Assert.Equal(("GZ-0042", "local+online+local:GZ-0099"), (local.RegistrationId, local.Sources));
        FeedUp();
        Assert.Equal(new Dictionary<string, long> { ["city-440100"] = 1 }, _ministry.Journal.ValidOn(_ministry.Today));
    }

    [Fact]
    public void TheMinistry_RefusesAtOnce_AnApplicationOfSomeoneRegisteredInAnotherCity_OrAlreadyWaiting()
    {
        var first = Submit(Worker, "ref-1");
        Deliver();
        _city.Decide(first.ApplicationId, accept: true, "");
        FeedUp();
        var shenzhen = _ministry.Submit(Request(Worker, "440304", "ref-2")).Application;
        Assert.Equal((ApplicationRecord.Refused, "already registered in 广州市 (R-18)", "440300"), (shenzhen.Status, shenzhen.RefusalReason, shenzhen.CityDivision));

        var other = Citizen("440103", "19850505", "222");
        Submit(other, "ref-3");
        var waiting = Assert.Throws<RpcException>(() => _ministry.Submit(Request(other, "440103", "ref-4")));
        Assert.Equal(StatusCode.AlreadyExists, waiting.StatusCode);
        Assert.DoesNotContain(other, waiting.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("连续3次拒绝接受公共就业服务", "refusing public employment services 3 times is not a reason")]
    [InlineData("连续6个月无法取得联系", "being unreachable for 6 months is not a reason")]
    [InlineData("other", "only for a listed reason")]
    [InlineData("迁出", "moving within China does not end")]
    public void Exits_OnlyForListedReasons(string reason, string why)
    {
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-1", CitizenId = Worker, Category = "other", HandlingDivision = "440106" });
        var refused = Assert.Throws<RpcException>(() => _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = reason }));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(why, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Null(_city.Journal.FindRegistration("GZ-1")!.CancelDate);
    }

    [Fact]
    public void Exits_TakeTheStandardCode_NotBeforeTheStart_NotTwice_OnlyForKnownRegistrations()
    {
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-1", CitizenId = Worker, Category = "other", HandlingDivision = "440106", RegisterDate = "2026-09-29" });
        var early = Assert.Throws<RpcException>(() => _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "退休", ExitDate = "2026-09-28" }));
        Assert.Contains("before the registration's start", early.Status.Detail, StringComparison.Ordinal);
        var exited = _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "退休" });
        Assert.Equal((new DateOnly(2026, 9, 30), "pension"), (exited.CancelDate, exited.CancelReason));
        Assert.Equal(StatusCode.FailedPrecondition, Assert.Throws<RpcException>(() => _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "pension" })).StatusCode);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<RpcException>(() => _city.Exit(new RecordExitRequest { RegistrationId = "GZ-404", Reason = "pension" })).StatusCode);
        // Validity runs up to, not including, the exit day.
        Assert.False(exited.OpenOn(new DateOnly(2026, 9, 30)));
        Assert.True(exited.OpenOn(new DateOnly(2026, 9, 29)));
    }

    [Fact]
    public void TheFeed_IsAppliedOnce_InOrder_AndResumesFromTheCursor()
    {
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-1", CitizenId = Worker, Category = "other", HandlingDivision = "440106" });
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-2", CitizenId = Citizen("440103", "19850505", "222"), Category = "other", HandlingDivision = "440103" });
        Assert.Equal(2, FeedUp());
        // Delivered again from the start (a parent that lost its cursor): nothing applied twice.
        var replayed = _cityJournal.FeedAfter(0, 100).Select(e => ChangeOf(e)).Count(change => _ministry.ApplyFromChild("city-440100", change));
        Assert.Equal(0, replayed);
        Assert.Equal(2, _ministryJournal.FeedHead());
        _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "employed" });
        Assert.Equal(1, FeedUp());
        Assert.Equal((3, 3L), (_ministryJournal.FeedHead(), _ministryJournal.ChildCursor("city-440100")));
        Assert.Equal(["city-440100#1", "city-440100#2", "city-440100#3"], _ministryJournal.FeedAfter(0, 10).Select(e => $"{e.Origin}#{e.OriginSeq}"));
        Assert.Equal(new Dictionary<string, long> { ["city-440100"] = 1 }, _ministryJournal.ValidOn(_ministry.Today));
    }

    [Fact]
    public void ASealedPeriod_HoldsTheRegistrationsAsOfItsDate_AndTheFeedCheckNamesAnyDisagreement()
    {
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-1", CitizenId = Worker, Category = "other", HandlingDivision = "440106", RegisterDate = "2026-09-29" });
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 1, 10, 0, 0, Beijing));
        _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "employed" });
        // Period 30 September: registered, not yet exited (the exit is dated after it).
        _city.StageAsOf(new DateOnly(2026, 9, 30));
        var september = _cityStore.Periods.Seal(new DateOnly(2026, 9, 30), _time.GetUtcNow());
        Assert.Equal(["GZ-1", Worker, "other", "2026-09-29", "", "", "440106", "1"], _cityStore.Periods.ReadSealed(september.Period, Dataset.Unemployment).Single().Values);
        var check = new FeedCheck(_cityJournal, _cityStore.Periods, NullLogger<FeedCheck>.Instance);
        var agreed = check.Check(september);
        Assert.True(agreed.Agree, string.Join("; ", agreed.Differences));
        Assert.Equal((1L, agreed.FeedDigest), (agreed.Registrations, agreed.SnapshotDigest));

        // The export overwrites the exit's reason before the next seal: the check names the field.
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 16, 10, 0, 0, Beijing));
        _city.StageAsOf(new DateOnly(2026, 10, 15));
        using (var staging = _cityStore.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.Unemployment, ["GZ-1", Worker, "other", "2026-09-29", "2026-10-01", "self_employed", "440106", "1"]);
            staging.Commit();
        }
        var october = _cityStore.Periods.Seal(new DateOnly(2026, 10, 15), _time.GetUtcNow());
        var disagreed = check.Check(october);
        Assert.False(disagreed.Agree);
        Assert.Equal(["GZ-1 (city-440100): cancel_reason differ"], disagreed.Differences);
        Assert.NotEqual(disagreed.FeedDigest, disagreed.SnapshotDigest);

        // And nothing is dated into a sealed period any more.
        var intoSealed = Assert.Throws<RpcException>(() => _city.RegisterLocally(new RegisterLocallyRequest
        {
            RegistrationId = "GZ-2", CitizenId = Citizen("440103", "19850505", "222"), Category = "other", HandlingDivision = "440103", RegisterDate = "2026-10-15",
        }));
        Assert.Contains("period 2026-10-15, already sealed", intoSealed.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Requests_AreCheckedField_ByField_AndEachLevelDoesOnlyItsPart()
    {
        Assert.Contains("place_type must be one of", Assert.Throws<RpcException>(() => _ministry.Submit(Request(Worker, "440106", "r") .With(r => r.PlaceType = "hotel"))).Status.Detail, StringComparison.Ordinal);
        Assert.Contains("place_division must be a county-level", Assert.Throws<RpcException>(() => _ministry.Submit(Request(Worker, "440100", "r"))).Status.Detail, StringComparison.Ordinal);
        Assert.Contains("citizen_id", Assert.Throws<RpcException>(() => _ministry.Submit(Request("440106199001011230", "440106", "r"))).Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.FailedPrecondition, Assert.Throws<RpcException>(() => _city.Submit(Request(Worker, "440106", "r"))).StatusCode);
        Assert.Contains("inside this node's jurisdiction 440100", Assert.Throws<RpcException>(() => _city.RegisterLocally(new RegisterLocallyRequest
        {
            RegistrationId = "SZ-1", CitizenId = Worker, Category = "other", HandlingDivision = "440304",
        })).Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void GeneratedTraffic_Replayed_RefusesExactlyTheForbiddenExits_AndCountsEachPersonOnce()
    {
        var traffic = Federation.DataGen.RegistrationGenerator.Generate(new Federation.DataGen.RegistrationTrafficOptions
        {
            CityCode = "440100", Applications = 30, LocalRegistrations = 40, Exits = 15, ForbiddenExits = 4, AlsoLocal = 5, Seed = 7,
        });
        var refused = 0;
        foreach (var e in traffic)
        {
            switch (e.Kind)
            {
                case "application":
                    _ministry.Submit(new SubmitApplicationRequest { CitizenId = e.CitizenId, Name = e.Name, PlaceType = e.PlaceType, PlaceDivision = e.Division, Category = e.Category, PlatformReference = e.Reference });
                    Deliver();
                    break;
                case "local":
                    if (_city.Journal.FindPendingApplication(e.CitizenId) is { } pending)
                    {
                        _city.Decide(pending.ApplicationId, accept: true, "");
                    }
                    _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = e.RegistrationId, CitizenId = e.CitizenId, Category = e.Category, HandlingDivision = e.Division });
                    break;
                case "exit":
                    _city.Exit(new RecordExitRequest { RegistrationId = e.RegistrationId, Reason = e.Reason });
                    break;
                case "forbidden_exit":
                    Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => _city.Exit(new RecordExitRequest { RegistrationId = e.RegistrationId, Reason = e.Reason })).StatusCode);
                    refused++;
                    break;
                default:
                    throw new InvalidOperationException(e.Kind);
            }
        }
        Assert.Equal(4, refused);
        FeedUp();
        // 40 local and the 5 who also applied online (one registration each), less 15 exits today; the
        // other 25 applicants wait for a decision.
        Assert.Equal(new Dictionary<string, long> { ["city-440100"] = 40 + 5 - 15 }, _ministryJournal.ValidOn(_ministry.Today));
        Assert.Equal(_city.Journal.ValidOn(_city.Today), _ministryJournal.ValidOn(_ministry.Today));
        Assert.Equal(25, _ministry.Journal.Backlog(_ministry.Today).Single().Pending);
    }

    [Fact]
    public void TheCalendarSettings_AreCheckedAtStart_EachBadKeyNamed()
    {
        var result = new RegistrationOptionsValidator().Validate(null, new RegistrationOptions
        {
            Holidays = ["2026-10-01", "1 October"], MakeUpWorkingDays = ["2026-10-10"], DecisionWorkingDays = 0,
        });
        Assert.Equal(["Registration:Holidays:1 must be a date YYYY-MM-DD, got '1 October'", "Registration:DecisionWorkingDays must be 1 … 30, got 0"], result.Failures);
        var both = new RegistrationOptionsValidator().Validate(null, new RegistrationOptions { Holidays = ["2026-10-10"], MakeUpWorkingDays = ["2026-10-10"] });
        Assert.Equal(["Registration: 2026-10-10 is listed both as a holiday and as a make-up working day."], both.Failures);
        Assert.True(new RegistrationOptionsValidator().Validate(null, Options).Succeeded);
    }

    private ApplicationRecord Submit(string citizen, string reference) => _ministry.Submit(Request(citizen, "440106", reference)).Application;

    private static SubmitApplicationRequest Request(string citizen, string place, string reference) => new()
    {
        CitizenId = citizen, Name = "陈晓明", PlaceType = "residence", PlaceDivision = place, Category = "employment_to_unemployment", PlatformReference = reference,
    };

    // What the parent's link does: every pending application for the city after its cursor.
    private void Deliver()
    {
        foreach (var (seq, application) in _ministryJournal.ApplicationsAfter(_cityJournal.ParentCursor(), 100).Where(a => a.Application.Status == ApplicationRecord.Pending))
        {
            _city.ReceiveFromParent(new ApplicationDelivery { Seq = seq, Application = RegistrationMessages.ToMessage(application) });
        }
    }

    // What the parent's link does the other way: the city's feed after the ministry's cursor.
    private int FeedUp() => _cityJournal.FeedAfter(_ministryJournal.ChildCursor("city-440100"), 100)
        .Select(ChangeOf).Count(change => _ministry.ApplyFromChild("city-440100", change));

    private static Change ChangeOf(FeedEntry entry)
    {
        var change = Change.Parser.ParseFrom(entry.Body);
        change.Seq = entry.Seq;
        return change;
    }

    private static string Citizen(string address, string birth, string sequence) => address + birth + sequence + CitizenId.CheckCharacter(address + birth + sequence);
}

internal static class RequestExtensions
{
    public static T With<T>(this T value, Action<T> edit)
    {
        edit(value);
        return value;
    }
}
