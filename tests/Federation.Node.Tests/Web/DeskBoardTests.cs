using Federation.Node.Configuration;
using Federation.Node.Registration;
using Federation.Node.Web.Desk;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Registration;
using Federation.Store.Sqlite;
using Federation.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Web;

/// <summary>
/// The registration desk's board on a fake clock: a ministry and a city wired in-process (as in
/// <see cref="Registration.RegistrationDeskTests"/>), the board reading and acting through the
/// registration RPC's own methods — the queue's working-day states, the listed refusal reasons,
/// contacts, a walk-in registration and an exit, and the server's refusals passed through as said.
/// </summary>
public sealed class DeskBoardTests : IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private readonly TempDirectory _directory = new();
    // Thursday 12 November 2026, mid-morning in Beijing: no holiday near.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 12, 10, 0, 0, Beijing));
    private readonly SqliteStore _cityStore;
    private readonly SqliteStore _ministryStore;
    private readonly SqliteRegistrationJournal _cityJournal;
    private readonly SqliteRegistrationJournal _ministryJournal;
    private readonly RegistrationDesk _city;
    private readonly RegistrationDesk _ministry;
    private readonly ServiceProvider _services;
    private readonly DeskBoard _board;

    public DeskBoardTests()
    {
        _cityStore = SqliteStore.Open(new StoreOptions { Path = _directory.File("city/city-440100.db"), NodeId = "city-440100" });
        _ministryStore = SqliteStore.Open(new StoreOptions { Path = _directory.File("ministry/ministry.db"), NodeId = "ministry" });
        _cityJournal = SqliteRegistrationJournal.Open(SqliteRegistrationJournal.PathFor(_cityStore.Path));
        _ministryJournal = SqliteRegistrationJournal.Open(SqliteRegistrationJournal.PathFor(_ministryStore.Path));
        var cityIdentity = Identity("city-440100", "city", "440100", "广州市");
        _city = Desk(_cityJournal, _cityStore, cityIdentity);
        _ministry = Desk(_ministryJournal, _ministryStore, Identity("ministry", "ministry", "000000", "全国"));
        _ministryJournal.SetServed("city-440100", ["440100"]);

        // What the RPC's service is activated from on the city node.
        var services = new ServiceCollection();
        services.AddSingleton(_city);
        services.AddSingleton(cityIdentity);
        services.AddSingleton(_cityStore.Periods);
        services.AddSingleton(new RegistrationSignals());
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IRegistrationJournal>(_cityJournal);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<FeedCheck>();
        _services = services.BuildServiceProvider();
        _board = new DeskBoard(new Federation.Node.Web.Operator.LocalCaller(_services), cityIdentity, _city);
    }

    public void Dispose()
    {
        _services.Dispose();
        _cityJournal.Dispose();
        _ministryJournal.Dispose();
        _cityStore.Dispose();
        _ministryStore.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task TheQueue_PutsOverdueFirst_MarksDueToday_MasksIds_AndCountsTheBacklog()
    {
        // Received Friday 6 November: due Wednesday 11 (overdue today); Monday 9: due today; today: due Tuesday 17.
        var overdue = Submit(Citizen("440106", "19900101", "121"), "2026-11-06");
        var dueToday = Submit(Citizen("440106", "19910202", "232"), "2026-11-09");
        var later = Submit(Citizen("440106", "19920303", "343"), "");
        Deliver();

        var queue = await _board.QueueAsync();

        Assert.Equal(new DateOnly(2026, 11, 12), queue.Today);
        Assert.Equal([overdue, dueToday, later], queue.ToDecide.Select(a => a.Id));
        Assert.Equal([DeadlineState.Overdue, DeadlineState.DueToday, DeadlineState.Later], queue.ToDecide.Select(a => a.Deadline));
        Assert.Equal([new DateOnly(2026, 11, 11), new DateOnly(2026, 11, 12), new DateOnly(2026, 11, 17)], queue.ToDecide.Select(a => a.Due));
        Assert.All(queue.ToDecide, a =>
        {
            Assert.Contains('*', a.MaskedCitizenId);
            Assert.NotEqual(a.Message.CitizenId, a.MaskedCitizenId);
            Assert.Equal("天河区", a.PlaceName);
        });
        Assert.Empty(queue.ToContact);
        Assert.Equal((3L, 1L, 0L), (queue.Backlog.Pending, queue.Backlog.DecisionOverdue, queue.Backlog.ContactOverdue));
    }

    [Fact]
    public async Task Decisions_AcceptOrRefuseWithAListedReason_ContactFollows_AndTheMinistrySeesThem()
    {
        var accept = Submit(Citizen("440106", "19900101", "121"), "2026-11-09");
        var refuse = Submit(Citizen("440106", "19910202", "232"), "2026-11-09");
        Deliver();

        var accepted = await _board.DecideAsync(accept, accept: true, "");
        Assert.Equal((ApplicationRecord.Accepted, "2026-11-12"), (accepted.Status, accepted.DecidedOn));
        var refused = await _board.DecideAsync(refuse, accept: false, "not_seeking_work");
        Assert.Equal((ApplicationRecord.Refused, "无就业需求"), (refused.Status, refused.RefusalReason));

        // A reason not on the list is refused by the board, naming the field and the list.
        var third = Submit(Citizen("440106", "19920303", "343"), "");
        Deliver();
        var unlisted = await Assert.ThrowsAsync<RpcException>(() => _board.DecideAsync(third, accept: false, "because"));
        Assert.Equal(StatusCode.InvalidArgument, unlisted.StatusCode);
        Assert.Contains("refusal_reason must be one of the listed reasons", unlisted.Status.Detail, StringComparison.Ordinal);

        // The accepted worker waits for contact (5 working days: Thursday 19 November), then is contacted.
        var queue = await _board.QueueAsync();
        var waiting = Assert.Single(queue.ToContact);
        Assert.Equal((accept, new DateOnly(2026, 11, 19), DeadlineState.Later), (waiting.Id, waiting.Due, waiting.Deadline));
        Assert.Equal("2026-11-12", (await _board.ContactAsync(accept)).ContactedOn);
        Assert.Empty((await _board.QueueAsync()).ToContact);

        // The ministry sees each decision once the feed carries it up.
        FeedUp();
        Assert.Equal(ApplicationRecord.Accepted, _ministryJournal.FindApplication(accept)!.Status);
        Assert.Equal("无就业需求", _ministryJournal.FindApplication(refuse)!.RefusalReason);
        Assert.Equal(new DateOnly(2026, 11, 12), _ministryJournal.FindApplication(accept)!.ContactedOn);
    }

    [Fact]
    public async Task AWalkIn_IsRegistered_AndExitsOnlyForTheSevenReasons_TheServerRefusingTheRest()
    {
        var worker = Citizen("440104", "19850505", "454");
        var registered = await _board.RegisterAsync(new RegisterLocallyRequest
        {
            RegistrationId = "GZ-2026-0001", CitizenId = worker, Category = "employment_to_unemployment", HandlingDivision = "440104", RegisterDate = "2026-11-10",
        });
        Assert.Equal(("GZ-2026-0001", "2026-11-10", false), (registered.Registration.RegistrationId, registered.Registration.RegisterDate, registered.Merged));

        // The forbidden reasons are not offered …
        Assert.Equal(ExitReasons.Unemployment, DeskBoard.ExitChoices.Select(c => c.Code));
        Assert.Equal("被用人单位录用", DeskBoard.ExitChoices.Single(c => c.Code == "employed").Name);
        // … and refused by the server when sent anyway.
        var forbidden = await Assert.ThrowsAsync<RpcException>(() => _board.ExitAsync(new RecordExitRequest { RegistrationId = "GZ-2026-0001", Reason = "refused_services" }));
        Assert.Equal(StatusCode.InvalidArgument, forbidden.StatusCode);
        Assert.Contains("R-17", forbidden.Status.Detail, StringComparison.Ordinal);

        var exited = await _board.ExitAsync(new RecordExitRequest { RegistrationId = "GZ-2026-0001", Reason = "employed" });
        Assert.Equal(("2026-11-12", "employed"), (exited.CancelDate, exited.CancelReason));
        FeedUp();
        Assert.Equal(new DateOnly(2026, 11, 12), _ministryJournal.FindRegistration("city-440100", "GZ-2026-0001")!.CancelDate);

        // The walk-in form offers the city's county-level units only.
        var counties = _board.Counties();
        Assert.Contains(("440104", "越秀区"), counties);
        Assert.All(counties, c => Assert.StartsWith("4401", c.Code, StringComparison.Ordinal));
    }

    private NodeIdentity Identity(string id, string level, string division, string name) => new(new NodeOptions
    {
        Id = id, Level = level, DivisionCode = division, DivisionName = name,
        Children = level == "ministry" ? [new ChildOptions { Id = "city-440100", DivisionCode = "440100", Address = "https://127.0.0.1:1" }] : [],
    }, _time);

    private RegistrationDesk Desk(IRegistrationJournal journal, SqliteStore store, NodeIdentity identity) =>
        new(journal, store.Staging, store.Holders, store.Periods, identity, Microsoft.Extensions.Options.Options.Create(new RegistrationOptions()), _time,
            new RegistrationSignals(), NullLogger<RegistrationDesk>.Instance);

    private string Submit(string citizen, string receivedOn) => _ministry.Submit(new SubmitApplicationRequest
    {
        CitizenId = citizen, Name = "陈晓明", PlaceType = "residence", PlaceDivision = "440106", Category = "employment_to_unemployment",
        PlatformReference = "ref-" + citizen[^4..], ReceivedOn = receivedOn,
    }).Application.ApplicationId;

    private void Deliver()
    {
        foreach (var (seq, application) in _ministryJournal.ApplicationsAfter(_cityJournal.ParentCursor().Seq, 100).Where(a => a.Application.Status == ApplicationRecord.Pending))
        {
            _city.ReceiveFromParent(new ApplicationDelivery { Seq = seq, Application = RegistrationMessages.ToMessage(application), Epoch = _ministryJournal.Epoch });
        }
    }

    private void FeedUp()
    {
        foreach (var entry in _cityJournal.FeedAfter(_ministryJournal.ChildCursor("city-440100").Seq, 100))
        {
            var change = Change.Parser.ParseFrom(entry.Body);
            change.Seq = entry.Seq;
            change.FeedEpoch = _cityJournal.Epoch;
            _ministry.ApplyFromChild("city-440100", change);
        }
    }

    private static string Citizen(string address, string birth, string sequence) => address + birth + sequence + CitizenId.CheckCharacter(address + birth + sequence);
}
