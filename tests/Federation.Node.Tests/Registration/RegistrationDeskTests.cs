using Federation.Node.Configuration;
using Federation.Node.Registration;
using Federation.Node.Tests.Errors;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Registration;
using Federation.Store.Sqlite;
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
public abstract class RegistrationDeskTests : IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly string Worker = Citizen("440106", "19900101", "123");

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 9, 30, 10, 0, 0, Beijing));
    private readonly SqliteStore _cityStore;
    private readonly SqliteStore _ministryStore;
    private readonly JournalBackend _journals;
    private readonly IRegistrationJournal _cityJournal;
    private readonly IRegistrationJournal _ministryJournal;
    private readonly RegistrationDesk _city;
    private readonly RegistrationDesk _ministry;

    // National Day 2026 as a notice would configure it: 1–7 October off (the weekdays among them
    // listed), Saturday 10 October worked instead.
    private static readonly RegistrationOptions Options = new()
    {
        Holidays = ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"],
        MakeUpWorkingDays = ["2026-10-10"],
    };

    protected RegistrationDeskTests(JournalBackend journals)
    {
        _journals = journals;
        _cityStore = SqliteStore.Open(new StoreOptions { Path = _directory.File("city/city-440100.db"), NodeId = "city-440100" });
        _ministryStore = SqliteStore.Open(new StoreOptions { Path = _directory.File("ministry/ministry.db"), NodeId = "ministry" });
        _cityJournal = journals.Open("city-440100");
        _ministryJournal = journals.Open("ministry");
        _city = Desk(_cityJournal, _cityStore, "city-440100", "city", "440100");
        _ministry = Desk(_ministryJournal, _ministryStore, "ministry", "ministry", "000000");
        // As a province's applications stream would tell the ministry: Guangzhou and Shenzhen have a node.
        _ministryJournal.SetServed("province-440000", ["440100", "440300"]);
    }

    public void Dispose()
    {
        _cityJournal.Dispose();
        _ministryJournal.Dispose();
        _cityStore.Dispose();
        _ministryStore.Dispose();
        _directory.Dispose();
        _journals.Dispose();
        GC.SuppressFinalize(this);
    }

    // The ministry's child is the city itself here: the links are wired by hand, one hop.
    private RegistrationDesk Desk(IRegistrationJournal journal, SqliteStore store, string id, string level, string division) =>
        new(journal, store.Staging, store.Holders, store.Periods, new NodeIdentity(new NodeOptions
        {
            Id = id, Level = level, DivisionCode = division,
            Children = level == "ministry" ? [new ChildOptions { Id = "city-440100", DivisionCode = "440100", Address = "https://127.0.0.1:1" }] : [],
        }, _time),
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
        // The same contact again is answered as recorded; another day is refused.
        Assert.Equal(new DateOnly(2026, 10, 20), _city.Contact(application.ApplicationId).ContactedOn);
        var again = Refusal.Of(() => _city.Contact(application.ApplicationId, "2026-10-19"));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public void Places_AreCheckedByTheTable_AndAnApplicationNoNodeServes_IsRefused_NamingTheCounty()
    {
        // 东莞 has no counties: the city is its own county-level unit. No node serves it yet: refused, named.
        var dongguan = Citizen("441900", "19910101", "123");
        var noNode = Refusal.Of(() => _ministry.Submit(Request(dongguan, "441900", "dg-1")));
        Assert.Equal(StatusCode.FailedPrecondition, noNode.StatusCode);
        Assert.StartsWith("no node serves 441900 (东莞市)", noNode.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(_ministryJournal.ApplicationsAfter(0, 10));
        // Once a node serves it, the application is Dongguan's.
        _ministryJournal.SetServed("province-440000", ["440100", "440300", "441900"]);
        var application = _ministry.Submit(Request(dongguan, "441900", "dg-1")).Application;
        Assert.Equal((ApplicationRecord.Pending, "441900"), (application.Status, application.CityDivision));
        // 嘉峪关 620200 is county-level too; 仙桃 429004 (under its province) is its own city.
        _ministryJournal.SetServed("province-620000", ["620200"]);
        _ministryJournal.SetServed("province-420000", ["429004"]);
        Assert.Equal("620200", _ministry.Submit(Request(Citizen("620200", "19880808", "111"), "620200", "jyg-1")).Application.CityDivision);
        Assert.Equal("429004", _ministry.Submit(Request(Citizen("429004", "19880808", "222"), "429004", "xt-1")).Application.CityDivision);
        // A prefecture with counties is not a county-level unit.
        var prefecture = Refusal.Of(() => _ministry.Submit(Request(Citizen("440106", "19770707", "333"), "440100", "gz-x")));
        Assert.Contains("place_division must be a county-level GB/T 2260 code", prefecture.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(
            ["441900", "442000", "460400", "620200"],
            DivisionTable.Default.All.Where(d => d.WithoutCounties).Select(d => d.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Events_CarryTheirOwnDay_Bounded_AndDeadlinesRunFromThem()
    {
        // Uploaded on Wednesday 30 September, received by the platform on Monday 28: due on the 3rd
        // working day after the 28th (29, 30, then 8 October after the holiday).
        var application = _ministry.Submit(Request(Worker, "440106", "ref-late").With(r => r.ReceivedOn = "2026-09-28")).Application;
        Assert.Equal((new DateOnly(2026, 9, 28), new DateOnly(2026, 10, 8)), (application.ReceivedOn, application.DecisionDue));
        Assert.StartsWith("A20260928", application.ApplicationId, StringComparison.Ordinal);
        var future = Refusal.Of(() => _ministry.Submit(Request(Citizen("440103", "19850505", "222"), "440106", "ref-f").With(r => r.ReceivedOn = "2026-10-01")));
        Assert.Contains("received_on 2026-10-01 is after today (2026-09-30, Beijing)", future.Status.Detail, StringComparison.Ordinal);
        Deliver();

        var early = Refusal.Of(() => _city.Decide(application.ApplicationId, accept: true, "", "2026-09-27"));
        Assert.Contains("decided_on 2026-09-27 is before the application's receipt (2026-09-28)", early.Status.Detail, StringComparison.Ordinal);
        // Decided on the 29th: the registration starts that day, contact is due by the 5th working day after (30, 8, 9, 10, 12).
        var decided = _city.Decide(application.ApplicationId, accept: true, "", "2026-09-29");
        Assert.Equal((new DateOnly(2026, 9, 29), new DateOnly(2026, 10, 12)), (decided.DecidedOn, decided.ContactDue));
        Assert.Equal(new DateOnly(2026, 9, 29), _cityJournal.FindRegistration("city-440100", decided.RegistrationId)!.RegisterDate);
        Assert.Contains("contacted_on 2026-09-28 is before the decision (2026-09-29)",
            Refusal.Of(() => _city.Contact(application.ApplicationId, "2026-09-28")).Status.Detail, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2026, 9, 29), _city.Contact(application.ApplicationId, "2026-09-29").ContactedOn);
        // An exit dated before the day of upload, after the start, keeps its day.
        var exited = _city.Exit(new RecordExitRequest { RegistrationId = decided.RegistrationId, Reason = "pension", ExitDate = "2026-09-29" });
        Assert.Equal(new DateOnly(2026, 9, 29), exited.CancelDate);
        FeedUp();
        Assert.Equal(new DateOnly(2026, 9, 29), _ministryJournal.FindApplication(application.ApplicationId)!.ContactedOn);
    }

    [Fact]
    public void ARefusal_NamesOneOfTheSeedsGrounds_ByCodeOrWords_TheForbiddenAndUnlistedOnesAreRefused()
    {
        // The one list: the seed's grounds (人社厅发〔2020〕79号 §三(十), §一(一)) and R-18, each recorded in its words.
        Assert.Equal(["working_age", "no_capacity", "not_seeking_work", "employed", "place", "registered_elsewhere"], RefusalReasons.Unemployment.Select(r => r.Code));
        var byCode = Submit(Worker, "ref-r1");
        var byWords = Submit(Citizen("440106", "19910202", "232"), "ref-r2");
        var other = Submit(Citizen("440106", "19920303", "343"), "ref-r3");
        Deliver();
        Assert.Equal((ApplicationRecord.Refused, "无劳动能力"), (_city.Decide(byCode.ApplicationId, accept: false, "no_capacity") is var a ? (a.Status, a.RefusalReason) : default));
        Assert.Equal("无劳动能力", _city.Decide(byCode.ApplicationId, accept: false, "无劳动能力").RefusalReason); // the same decision again, in words
        Assert.Equal("申请地不是本人的户籍地、常住地、就业地或参保地", _city.Decide(byWords.ApplicationId, accept: false, " 申请地不是本人的户籍地、常住地、就业地或参保地 ").RefusalReason);
        // The grounds §一(二) forbids are refused saying so; anything else, naming the list; the application stays pending.
        foreach (var forbidden in new[] { "资料不全", "未参保", "不符合领金条件" })
        {
            var refused = Refusal.Of(() => _city.Decide(other.ApplicationId, accept: false, forbidden));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains("the seed forbids refusing a registration for incomplete papers", refused.Status.Detail, StringComparison.Ordinal);
        }
        foreach (var unlisted in new[] { "", "在校学生", "户籍信息与申请不符", "other" })
        {
            var refused = Refusal.Of(() => _city.Decide(other.ApplicationId, accept: false, unlisted));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.StartsWith("refusal_reason must be one of the listed reasons (working_age, no_capacity, not_seeking_work, employed, place, registered_elsewhere)",
                refused.Status.Detail, StringComparison.Ordinal);
        }
        Assert.Equal(ApplicationRecord.Pending, _cityJournal.FindApplication(other.ApplicationId)!.Status);
    }

    [Fact]
    public void Delivery_IsIdempotent_TheSameEventAgainIsAnsweredAsRecorded_OtherContentIsRefused()
    {
        var application = Submit(Worker, "ref-1");
        Deliver();
        var decided = _city.Decide(application.ApplicationId, accept: true, "");
        var head = _cityJournal.FeedHead();
        Assert.Equal(decided, _city.Decide(application.ApplicationId, accept: true, ""));
        Assert.Equal(decided, _city.Decide(application.ApplicationId, accept: true, "", "2026-09-30"));
        var otherDecision = Refusal.Of(() => _city.Decide(application.ApplicationId, accept: false, "no_capacity"));
        Assert.Equal(StatusCode.FailedPrecondition, otherDecision.StatusCode);
        Assert.Contains("was already accepted on 2026-09-30; this decision (refuse) differs from the one recorded", otherDecision.Status.Detail, StringComparison.Ordinal);

        var exit = new RecordExitRequest { RegistrationId = decided.RegistrationId, Reason = "被用人单位录用" };
        var exited = _city.Exit(exit);
        Assert.Equal(RegistrationMessages.ToMessage(exited), RegistrationMessages.ToMessage(_city.Exit(exit)));
        Assert.Equal(RegistrationMessages.ToMessage(exited), RegistrationMessages.ToMessage(_city.Exit(new RecordExitRequest { RegistrationId = decided.RegistrationId, Reason = "employed", ExitDate = "2026-09-30" })));
        var otherExit = Refusal.Of(() => _city.Exit(new RecordExitRequest { RegistrationId = decided.RegistrationId, Reason = "pension" }));
        Assert.Contains("was already cancelled on 2026-09-30 (employed); this exit (pension, 2026-09-30) differs", otherExit.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(head + 1, _cityJournal.FeedHead()); // the exit, once

        var local = new RegisterLocallyRequest { RegistrationId = "GZ-L-9", CitizenId = Citizen("440103", "19850505", "222"), Category = "other", HandlingDivision = "440103" };
        Assert.Equal(RegistrationMessages.ToMessage(_city.RegisterLocally(local).Registration), RegistrationMessages.ToMessage(_city.RegisterLocally(local).Registration));
        var otherCategory = Refusal.Of(() => _city.RegisterLocally(local.Clone().With(r => r.Category = "new_entrant")));
        Assert.Contains("registration GZ-L-9 is already recorded with category other, not new_entrant", otherCategory.Status.Detail, StringComparison.Ordinal);
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
        var registration = _city.Journal.FindRegistration("city-440100", "GZ-0042")!;
        Assert.Equal((new DateOnly(2026, 9, 15), "local+online"), (registration.RegisterDate, registration.Sources));
        Assert.Equal([application.ApplicationId], registration.ApplicationIds);

        // A local registration of the same person in the same city is the same registration again.
        var (local, merged, _) = _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-0099", CitizenId = Worker, Category = "other", HandlingDivision = "440106" });
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
        var waiting = Refusal.Of(() => _ministry.Submit(Request(other, "440103", "ref-4")));
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
        var refused = Refusal.Of(() => _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = reason }));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(why, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Null(_city.Journal.FindRegistration("city-440100", "GZ-1")!.CancelDate);
    }

    [Fact]
    public void Exits_TakeTheStandardCode_NotBeforeTheStart_NotTwice_OnlyForKnownRegistrations()
    {
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-1", CitizenId = Worker, Category = "other", HandlingDivision = "440106", RegisterDate = "2026-09-29" });
        var early = Refusal.Of(() => _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "退休", ExitDate = "2026-09-28" }));
        Assert.Contains("before the registration's start", early.Status.Detail, StringComparison.Ordinal);
        var exited = _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "退休" });
        Assert.Equal((new DateOnly(2026, 9, 30), "pension"), (exited.CancelDate, exited.CancelReason));
        // The same exit again is answered as recorded; another exit is refused.
        Assert.Equal(new DateOnly(2026, 9, 30), _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "pension" }).CancelDate);
        Assert.Equal(StatusCode.FailedPrecondition, Refusal.Of(() => _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "employed" })).StatusCode);
        Assert.Equal(StatusCode.NotFound, Refusal.Of(() => _city.Exit(new RecordExitRequest { RegistrationId = "GZ-404", Reason = "pension" })).StatusCode);
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
        var replayed = _cityJournal.FeedAfter(0, 100).Select(ChangeOf).Count(change => _ministry.ApplyFromChild("city-440100", change));
        Assert.Equal(0, replayed);
        Assert.Equal(2, _ministryJournal.FeedHead());
        _city.Exit(new RecordExitRequest { RegistrationId = "GZ-1", Reason = "employed" });
        Assert.Equal(1, FeedUp());
        Assert.Equal((3, 3L), (_ministryJournal.FeedHead(), _ministryJournal.ChildCursor("city-440100").Seq));
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
        var september = _city.SealWith(new DateOnly(2026, 9, 30), () => _cityStore.Periods.Seal(new DateOnly(2026, 9, 30), _time.GetUtcNow()));
        Assert.Equal(["GZ-1", Worker, "other", "2026-09-29", "", "", "440106", "1"], _cityStore.Periods.ReadSealed(september.Period, Dataset.Unemployment).Single().Values);
        var check = new FeedCheck(_cityJournal, _cityStore.Periods, _time, NullLogger<FeedCheck>.Instance);
        var agreed = check.Check(september);
        Assert.True(agreed.Agree, string.Join("; ", agreed.Differences));
        Assert.Equal((1L, agreed.FeedDigest), (agreed.Registrations, agreed.SnapshotDigest));

        // The `seal` command is another process with its own lock: a registration the daemon records
        // between that process's staging and its seal is in the feed but not in the period, and the
        // check says so by name.
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 15, 18, 0, 0, Beijing));
        var sealCommand = Desk(_cityJournal, _cityStore, "city-440100", "city", "440100");
        var october = sealCommand.SealWith(new DateOnly(2026, 10, 15), () =>
        {
            _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-3", CitizenId = Citizen("440104", "19950303", "331"), Category = "other", HandlingDivision = "440104" });
            return _cityStore.Periods.Seal(new DateOnly(2026, 10, 15), _time.GetUtcNow());
        });
        var disagreed = check.Check(october);
        Assert.False(disagreed.Agree);
        Assert.Equal(["GZ-3 (city-440100): in the feed, not in the snapshot"], disagreed.Differences);
        Assert.NotEqual(disagreed.FeedDigest, disagreed.SnapshotDigest);

        // And nothing is dated into a sealed period any more.
        var intoSealed = Refusal.Of(() => _city.RegisterLocally(new RegisterLocallyRequest
        {
            RegistrationId = "GZ-2", CitizenId = Citizen("440103", "19850505", "222"), Category = "other", HandlingDivision = "440103", RegisterDate = "2026-10-15",
        }));
        Assert.Contains("period 2026-10-15, already sealed", intoSealed.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Requests_AreCheckedField_ByField_AndEachLevelDoesOnlyItsPart()
    {
        Assert.Contains("place_type must be one of", Refusal.Of(() => _ministry.Submit(Request(Worker, "440106", "r") .With(r => r.PlaceType = "hotel"))).Status.Detail, StringComparison.Ordinal);
        Assert.Contains("place_division must be a county-level", Refusal.Of(() => _ministry.Submit(Request(Worker, "440100", "r"))).Status.Detail, StringComparison.Ordinal);
        Assert.Contains("citizen_id", Refusal.Of(() => _ministry.Submit(Request("440106199001011230", "440106", "r"))).Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.FailedPrecondition, Refusal.Of(() => _city.Submit(Request(Worker, "440106", "r"))).StatusCode);
        Assert.Contains("inside this node's jurisdiction 440100", Refusal.Of(() => _city.RegisterLocally(new RegisterLocallyRequest
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
                    Assert.Equal(StatusCode.InvalidArgument, Refusal.Of(() => _city.Exit(new RecordExitRequest { RegistrationId = e.RegistrationId, Reason = e.Reason })).StatusCode);
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

    [Fact]
    public void ReviewedEdges_MergedIdsExitedRegistrationsEmptyReferencesAndBackdatedOverlaps()
    {
        // An export's registration that the service exited is not reopened by a later merge.
        using (var staging = _cityStore.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.Unemployment, ["GZ-0042", Worker, "other", "2026-09-15", "", "", "440106", "1"]);
            staging.Commit();
        }
        _city.Exit(new RecordExitRequest { RegistrationId = "GZ-0042", Reason = "employed" });
        var (fresh, merged, _) = _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-0099", CitizenId = Worker, Category = "other", HandlingDivision = "440106" });
        Assert.False(merged);
        Assert.Equal(new DateOnly(2026, 9, 30), _city.Journal.FindRegistration("city-440100", "GZ-0042")!.CancelDate);
        Assert.Equal("GZ-0099", fresh.RegistrationId);

        // A local id that joined another registration finds it: an exit under either id is the same exit.
        var other = Citizen("440103", "19850505", "222");
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-0100", CitizenId = other, Category = "other", HandlingDivision = "440103" });
        Assert.True(_city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-0101", CitizenId = other, Category = "other", HandlingDivision = "440103" }).Merged);
        Assert.Equal("GZ-0100", _city.Exit(new RecordExitRequest { RegistrationId = " GZ-0101 ", Reason = "pension" }).RegistrationId);
        Assert.Contains("registration_id is required", Refusal.Of(() => _city.Exit(new RecordExitRequest { RegistrationId = " ", Reason = "pension" })).Status.Detail, StringComparison.Ordinal);

        // Backdated into an ended registration: two valid on the same days, refused.
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 9, 10, 0, 0, Beijing));
        var overlap = Refusal.Of(() => _city.RegisterLocally(new RegisterLocallyRequest
        {
            RegistrationId = "GZ-0102", CitizenId = other, Category = "other", HandlingDivision = "440103", RegisterDate = "2026-09-29",
        }));
        Assert.Contains("falls inside registration GZ-0100 (2026-09-30 to 2026-09-30)", overlap.Status.Detail, StringComparison.Ordinal);

        // No reference is no licence for a second pending application.
        var third = Citizen("440104", "19950303", "331");
        _ministry.Submit(Request(third, "440104", ""));
        Assert.Equal(StatusCode.AlreadyExists, Refusal.Of(() => _ministry.Submit(Request(third, "440104", ""))).StatusCode);
        // A reference reused for another person returns nothing of the first.
        _ministry.Submit(Request(Citizen("440105", "19800808", "441"), "440105", "ref-9"));
        var reused = Refusal.Of(() => _ministry.Submit(Request(Citizen("440111", "19810808", "551"), "440111", "ref-9")));
        Assert.Equal((StatusCode.AlreadyExists, "platform_reference 'ref-9' was used for another application"), (reused.StatusCode, reused.Status.Detail));
    }

    [Fact]
    public void AParent_RefusesAChild_SpeakingOutsideItsJurisdiction_ForAnotherOrigin_OrFromAReplacedJournal()
    {
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "GZ-1", CitizenId = Worker, Category = "other", HandlingDivision = "440106" });
        Assert.Equal(1, FeedUp());
        var genuine = ChangeOf(_cityJournal.FeedAfter(0, 1).Single());

        var outside = genuine.Clone();
        outside.OriginSeq = 99;
        outside.Registration.HandlingDivision = "440304";
        Assert.Contains("registration GZ-1 is not in its jurisdiction", Assert.Throws<InvalidOperationException>(() => _ministry.ApplyFromChild("city-440100", outside)).Message, StringComparison.Ordinal);
        Assert.Equal("440106", _ministryJournal.FindRegistration("city-440100", "GZ-1")!.HandlingDivision);

        // A journal replaced at the city (new epoch) is refused until the parent's operator resets the cursor.
        var replaced = genuine.Clone();
        replaced.FeedEpoch = "0000000000000000";
        replaced.Seq = 1;
        Assert.Throws<JournalEpochException>(() => _ministry.ApplyFromChild("city-440100", replaced));
        _ministryJournal.ResetChildCursor("city-440100");
        replaced.OriginEpoch = "0000000000000000";
        Assert.True(_ministry.ApplyFromChild("city-440100", replaced));
        Assert.Equal(("0000000000000000", 1L), (_ministryJournal.ChildCursor("city-440100").Epoch, _ministryJournal.ChildCursor("city-440100").Seq));
    }

    [Fact]
    public void TwoCities_MayUseTheSameLocalId_TheMinistryCountsBoth()
    {
        using var otherStore = SqliteStore.Open(new StoreOptions { Path = _directory.File("city2/city-440300.db"), NodeId = "city-440300" });
        using var otherJournal = _journals.Open("city-440300");
        var shenzhen = Desk(otherJournal, otherStore, "city-440300", "city", "440300");
        var ministry = new RegistrationDesk(_ministryJournal, _ministryStore.Staging, _ministryStore.Holders, _ministryStore.Periods, new NodeIdentity(new NodeOptions
        {
            Id = "ministry", Level = "ministry", DivisionCode = "000000",
            Children = [new ChildOptions { Id = "city-440100", DivisionCode = "440100", Address = "https://127.0.0.1:1" }, new ChildOptions { Id = "city-440300", DivisionCode = "440300", Address = "https://127.0.0.1:2" }],
        }, _time), Microsoft.Extensions.Options.Options.Create(Options), _time, new RegistrationSignals(), NullLogger<RegistrationDesk>.Instance);
        _city.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "L-1", CitizenId = Worker, Category = "other", HandlingDivision = "440106" });
        shenzhen.RegisterLocally(new RegisterLocallyRequest { RegistrationId = "L-1", CitizenId = Citizen("440304", "19920202", "552"), Category = "other", HandlingDivision = "440304" });
        foreach (var (id, journal) in new[] { ("city-440100", _cityJournal), ("city-440300", otherJournal) })
        {
            foreach (var entry in journal.FeedAfter(0, 10))
            {
                var change = Change.Parser.ParseFrom(entry.Body);
                change.Seq = entry.Seq;
                change.FeedEpoch = journal.Epoch;
                Assert.True(ministry.ApplyFromChild(id, change));
            }
        }
        Assert.Equal(new Dictionary<string, long> { ["city-440100"] = 1, ["city-440300"] = 1 }, _ministryJournal.ValidOn(_ministry.Today));
        // And Shenzhen cannot speak for Guangzhou's origin.
        var forged = Change.Parser.ParseFrom(otherJournal.FeedAfter(0, 1).Single().Body);
        forged.Origin = "city-440100";
        forged.OriginSeq = 50;
        forged.Registration.RegistrationId = "L-2";
        forged.Seq = 2;
        forged.FeedEpoch = otherJournal.Epoch;
        Assert.Contains("changes of city-440100 come through city-440100, not city-440300", Assert.Throws<InvalidOperationException>(() => ministry.ApplyFromChild("city-440300", forged)).Message, StringComparison.Ordinal);
    }

    private ApplicationRecord Submit(string citizen, string reference) => _ministry.Submit(Request(citizen, "440106", reference)).Application;

    private static SubmitApplicationRequest Request(string citizen, string place, string reference) => new()
    {
        CitizenId = citizen, Name = "陈晓明", PlaceType = "residence", PlaceDivision = place, Category = "employment_to_unemployment", PlatformReference = reference,
    };

    // What the parent's link does: every pending application for the city after its cursor.
    private void Deliver()
    {
        foreach (var (seq, application) in _ministryJournal.ApplicationsAfter(_cityJournal.ParentCursor().Seq, 100).Where(a => a.Application.Status == ApplicationRecord.Pending))
        {
            _city.ReceiveFromParent(new ApplicationDelivery { Seq = seq, Application = RegistrationMessages.ToMessage(application), Epoch = _ministryJournal.Epoch });
        }
    }

    // What the parent's link does the other way: the city's feed after the ministry's cursor.
    private int FeedUp() => _cityJournal.FeedAfter(_ministryJournal.ChildCursor("city-440100").Seq, 100)
        .Select(ChangeOf).Count(change => _ministry.ApplyFromChild("city-440100", change));

    private Change ChangeOf(FeedEntry entry)
    {
        var change = Change.Parser.ParseFrom(entry.Body);
        change.Seq = entry.Seq;
        change.FeedEpoch = _cityJournal.Epoch;
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

/// <summary>The registration service's rules with the journals in SQLite files.</summary>
public sealed class RegistrationDeskTestsOnSqlite() : RegistrationDeskTests(new SqliteJournals());

/// <summary>The same rules with the journals in PostgreSQL, as at a ministry that runs it.</summary>
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class RegistrationDeskTestsOnPostgres() : RegistrationDeskTests(new PostgresJournals());
