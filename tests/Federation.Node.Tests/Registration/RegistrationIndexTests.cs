using Federation.Node.Configuration;
using Federation.Node.Registration;
using Federation.Node.Tests.Errors;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Registration;
using Federation.Store.Sqlite;
using Federation.Testing;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.Node.Tests.Registration;

/// <summary>
/// R-18 at the moment of entry (docs/registration.md "One registration per person"): the ministry's
/// index of valid registrations (keyed hash of the citizen ID → city), kept exact by every start and
/// exit the feed brings, sent down to the cities as the links send it (wired by hand here: a ministry
/// over 广州 and 东莞, a fake clock), refusing a second city's entry, kept across a restart, checked
/// as from a stranger on receipt, and — while a city is cut off — an entry accepted provisionally
/// and the double registration flagged at the parent.
/// </summary>
public abstract class RegistrationIndexTests : IDisposable
{
    private static readonly string Person = Citizen("440106", "19900101", "123");
    private static readonly ChildOptions GuangzhouNode = new() { Id = "city-440100", DivisionCode = "440100", Address = "https://127.0.0.1:1" };
    private static readonly ChildOptions DongguanNode = new() { Id = "city-441900", DivisionCode = "441900", Address = "https://127.0.0.1:2" };

    private readonly TempDirectory _directory = new();
    private readonly JournalBackend _journals;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(8)));
    private readonly List<IDisposable> _owned = [];
    private readonly (RegistrationDesk Desk, IRegistrationJournal Journal, RegistrationSignals Signals) _ministry;
    private readonly (RegistrationDesk Desk, IRegistrationJournal Journal, RegistrationSignals Signals) _guangzhou;
    private readonly (RegistrationDesk Desk, IRegistrationJournal Journal, RegistrationSignals Signals) _dongguan;

    protected RegistrationIndexTests(JournalBackend journals)
    {
        _journals = journals;
        _ministry = Node("ministry", "ministry", "000000", [GuangzhouNode, DongguanNode]);
        _ministry.Journal.KeepNationalIndex();
        _ministry.Journal.SetServed(GuangzhouNode.Id, ["440100"]);
        _ministry.Journal.SetServed(DongguanNode.Id, ["441900"]);
        _guangzhou = Node(GuangzhouNode.Id, "city", "440100", []);
        _dongguan = Node(DongguanNode.Id, "city", "441900", []);
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
        _directory.Dispose();
        _journals.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void AnEntryInAnotherCity_IsRefused_NamingTheCity_UntilTheRegistrationEnds_AndTheIndexSurvivesARestart()
    {
        using var gzLink = _guangzhou.Signals.ParentStreamOpen();
        using var dgLink = _dongguan.Signals.ParentStreamOpen();
        var first = _guangzhou.Desk.RegisterLocally(Local("GZ-L-1", Person, "440106"));
        Assert.False(first.Provisional);
        Sync();
        // Dongguan knows one person registered elsewhere; Guangzhou is sent its own people as free.
        Assert.Equal((1L, 0L, 1L), (_dongguan.Journal.IndexPeople(), _guangzhou.Journal.IndexPeople(), _ministry.Journal.IndexPeople()));

        var refused = Refusal.Of(() => _dongguan.Desk.RegisterLocally(Local("DG-L-1", Person, "441900")));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.StartsWith("already registered in 广州市 (R-18)", refused.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Person, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(_dongguan.Journal.FeedAfter(0, 10));
        // The ministry refuses an online application by the same index and the same words.
        var online = _ministry.Desk.Submit(new SubmitApplicationRequest
        {
            CitizenId = Person, Name = "陈晓明", PlaceType = "residence", PlaceDivision = "441900", Category = "other", PlatformReference = "NP-1",
        }).Application;
        Assert.Equal((ApplicationRecord.Refused, "already registered in 广州市 (R-18)"), (online.Status, online.RefusalReason));

        // Dongguan restarts: its index is on disk, not rebuilt from the parent (no window opens).
        using (var reopened = _journals.Open(DongguanNode.Id))
        {
            Assert.Equal("440100", reopened.IndexedCity(Person));
            Assert.Equal(_ministry.Journal.IndexKey, reopened.IndexKey);
        }
        // Keys only at a city: no citizen ID of another city's people in Dongguan's journal.
        Assert.DoesNotContain(Person, _journals.Text(DongguanNode.Id), StringComparison.Ordinal);

        // The person leaves Guangzhou's register (an exit frees them): Dongguan now accepts.
        _guangzhou.Desk.Exit(new RecordExitRequest { RegistrationId = "GZ-L-1", Reason = "employed" });
        Sync();
        Assert.Equal(0L, _dongguan.Journal.IndexPeople());
        var moved = _dongguan.Desk.RegisterLocally(Local("DG-L-1", Person, "441900"));
        Assert.Equal((false, false), (moved.Merged, moved.Provisional));
        Sync();
        // …and the index follows the person: Guangzhou refuses them now, naming Dongguan.
        Assert.StartsWith("already registered in 东莞市 (R-18)",
            Refusal.Of(() => _guangzhou.Desk.RegisterLocally(Local("GZ-L-2", Person, "440106"))).Status.Detail, StringComparison.Ordinal);
        Assert.Equal(("441900", 1L), (_ministry.Journal.IndexedCity(Person), _ministry.Journal.ValidOn(_ministry.Desk.Today).Values.Sum()));
        Assert.Empty(_ministry.Journal.DoubleRegistrations());
    }

    [Fact]
    public void ACityCutOffFromItsParent_AcceptsProvisionally_AndTheParentFlagsTheDoubleRegistration_TheDayTheFeedBringsIt()
    {
        using var gzLink = _guangzhou.Signals.ParentStreamOpen();
        _guangzhou.Desk.RegisterLocally(Local("GZ-L-1", Person, "440106"));
        FeedUp(_guangzhou, GuangzhouNode);
        // Dongguan has no stream from its parent: its index does not know, so it accepts — provisionally.
        var provisional = _dongguan.Desk.RegisterLocally(Local("DG-L-1", Person, "441900"));
        Assert.True(provisional.Provisional);
        Assert.False(_dongguan.Desk.RegisterLocally(Local("DG-L-1", Person, "441900")).Provisional); // a retry is answered as recorded
        Assert.Empty(_ministry.Journal.DoubleRegistrations());
        FeedUp(_dongguan, DongguanNode);
        var flagged = Assert.Single(_ministry.Journal.DoubleRegistrations());
        Assert.Equal([("city-440100", "GZ-L-1"), ("city-441900", "DG-L-1")], flagged.Select(r => (r.Origin, r.RegistrationId)));
        // Counted by the feed the ministry holds both (the cities' sum); the flag says they are one person.
        Assert.Equal(2L, _ministry.Journal.ValidOn(_ministry.Desk.Today).Values.Sum());

        // Ended in Guangzhou: the flag goes, and the index names Dongguan.
        _guangzhou.Desk.Exit(new RecordExitRequest { RegistrationId = "GZ-L-1", Reason = "employed" });
        FeedUp(_guangzhou, GuangzhouNode);
        Assert.Empty(_ministry.Journal.DoubleRegistrations());
        Assert.Equal("441900", _ministry.Journal.IndexedCity(Person));
    }

    [Fact]
    public void AnApplicationAcceptedAfterThePersonRegisteredInAnotherCity_IsRefusedAtTheDecision()
    {
        using var gzLink = _guangzhou.Signals.ParentStreamOpen();
        using var dgLink = _dongguan.Signals.ParentStreamOpen();
        var application = _ministry.Desk.Submit(new SubmitApplicationRequest
        {
            CitizenId = Person, Name = "陈晓明", PlaceType = "residence", PlaceDivision = "440106", Category = "other", PlatformReference = "NP-2",
        }).Application;
        Assert.Equal(ApplicationRecord.Pending, application.Status);
        var (seq, pending) = _ministry.Journal.ApplicationsAfter(0, 10).Single();
        _guangzhou.Desk.ReceiveFromParent(new ApplicationDelivery { Seq = seq, Application = RegistrationMessages.ToMessage(pending), Epoch = _ministry.Journal.Epoch });
        // Before Guangzhou decides, the person registers at Dongguan's office.
        _dongguan.Desk.RegisterLocally(Local("DG-L-1", Person, "441900"));
        Sync();
        var refused = Refusal.Of(() => _guangzhou.Desk.Decide(application.ApplicationId, accept: true, ""));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.StartsWith("already registered in 东莞市 (R-18)", refused.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith("refuse the application with reason registered_elsewhere", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((ApplicationRecord.Refused, "已在其他城市办理失业登记（R-18）"),
            (_guangzhou.Desk.Decide(application.ApplicationId, accept: false, "registered_elsewhere") is var decided ? (decided.Status, decided.RefusalReason) : default));
    }

    [Fact]
    public void WhatAParentSends_IsCheckedAsFromAStranger()
    {
        var key = ByteString.CopyFrom(new byte[32]);
        var good = new IndexEntry { PersonKey = ByteString.CopyFrom(new byte[32]), CityDivision = "440100", Seq = 1 };
        void Refused(ApplicationDelivery delivery, string why)
        {
            var refused = Refusal.Of(() => _dongguan.Desk.ReceiveIndexFromParent(delivery));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(why, refused.Status.Detail, StringComparison.Ordinal);
        }
        Refused(Delivery(ByteString.CopyFrom(new byte[31]), good), "index_key must be 32 bytes, got 31");
        Refused(Delivery(key, new IndexEntry(good) { PersonKey = ByteString.CopyFrom(new byte[5]) }), "person_key must be 32 bytes, got 5");
        Refused(Delivery(key, new IndexEntry(good) { CityDivision = "440106" }), "city_division '440106' is not a city");
        Refused(Delivery(key, new IndexEntry(good) { CityDivision = "441900" }), "names this city 441900 itself");
        Refused(Delivery(key, new IndexEntry(good) { Seq = 2 }, good), "index entry 1 comes after 2");
        Assert.Equal(0L, _dongguan.Journal.IndexPeople());

        Assert.Equal(1, _dongguan.Desk.ReceiveIndexFromParent(Delivery(key, good)));
        Assert.Equal(0, _dongguan.Desk.ReceiveIndexFromParent(Delivery(key, good))); // seen twice: nothing changes
        // Another key once entries were received under one: the parent's journal was replaced.
        Assert.Throws<JournalEpochException>(() => _dongguan.Desk.ReceiveIndexFromParent(Delivery(ByteString.CopyFrom(Enumerable.Repeat((byte)1, 32).ToArray()),
            new IndexEntry(good) { Seq = 2 })));
    }

    [Fact]
    public void TheNationalIndex_IsBuiltForAJournalOfAnEarlierVersion_AndAProvinceRelaysIt()
    {
        // A ministry journal with registrations but no index yet (written before the index existed).
        using (var old = _journals.Open("old-ministry"))
        {
            old.Record("city-440100", _time.GetUtcNow(), null,
                new RegistrationRecord("GZ-L-9", Person, "other", new DateOnly(2026, 12, 1), null, "", "440106", "local", [], "city-440100"), _ => []);
            Assert.Null(old.IndexKey);
        }
        using var ministry = _journals.Open("old-ministry");
        ministry.KeepNationalIndex();
        Assert.Equal(("440100", 1L), (ministry.IndexedCity(Person), ministry.IndexPeople()));

        // A province keeps what it receives, numbered anew, and passes it on to its cities.
        var province = Node("province-440000", "province", "440000", [GuangzhouNode, DongguanNode]);
        var fromMinistry = ministry.IndexAfter(0, 10);
        var delivery = new ApplicationDelivery { Epoch = ministry.Epoch, IndexKey = ByteString.CopyFrom(ministry.IndexKey!) };
        delivery.Index.AddRange(fromMinistry.Select(e => new IndexEntry { PersonKey = ByteString.CopyFrom(e.PersonKey), CityDivision = e.CityDivision, Seq = e.Seq }));
        Assert.Equal(1, province.Desk.ReceiveIndexFromParent(delivery));
        var toDongguan = province.Desk.IndexDelivery(DongguanNode, 0, 10)!.Value;
        Assert.Equal("440100", Assert.Single(toDongguan.Delivery.Index).CityDivision);
        Assert.Equal("", Assert.Single(province.Desk.IndexDelivery(GuangzhouNode, 0, 10)!.Value.Delivery.Index).CityDivision);
        Assert.Equal(1, _dongguan.Desk.ReceiveIndexFromParent(toDongguan.Delivery));
        Assert.Equal("440100", _dongguan.Journal.IndexedCity(Person));
    }

    // ---- wiring ---------------------------------------------------------------------------------

    private (RegistrationDesk Desk, IRegistrationJournal Journal, RegistrationSignals Signals) Node(string id, string level, string division, List<ChildOptions> children)
    {
        var store = SqliteStore.Open(new StoreOptions { Path = _directory.File($"{id}/{id}.db"), NodeId = id });
        var journal = _journals.Open(id);
        _owned.Add(store);
        _owned.Add(journal);
        var signals = new RegistrationSignals();
        var desk = new RegistrationDesk(journal, store.Staging, store.Holders, store.Periods,
            new NodeIdentity(new NodeOptions { Id = id, Level = level, DivisionCode = division, Children = children }, _time),
            Microsoft.Extensions.Options.Options.Create(new RegistrationOptions()), _time, signals, NullLogger<RegistrationDesk>.Instance);
        return (desk, journal, signals);
    }

    // What the links do: each city's feed up, then the index down to each city still connected.
    private void Sync()
    {
        FeedUp(_guangzhou, GuangzhouNode);
        FeedUp(_dongguan, DongguanNode);
        foreach (var (city, child) in new[] { (_guangzhou, GuangzhouNode), (_dongguan, DongguanNode) })
        {
            if (city.Signals.ParentConnected && _ministry.Desk.IndexDelivery(child, city.Journal.ParentIndexCursor().Seq, 100) is { } index)
            {
                city.Desk.ReceiveIndexFromParent(index.Delivery);
            }
        }
    }

    private void FeedUp((RegistrationDesk Desk, IRegistrationJournal Journal, RegistrationSignals Signals) city, ChildOptions child)
    {
        var changes = city.Journal.FeedAfter(_ministry.Journal.ChildCursor(child.Id).Seq, 100).Select(entry =>
        {
            var change = Change.Parser.ParseFrom(entry.Body);
            change.Seq = entry.Seq;
            change.FeedEpoch = city.Journal.Epoch;
            return change;
        }).ToList();
        if (changes.Count > 0)
        {
            _ministry.Desk.ApplyFromChild(child.Id, changes);
        }
    }

    private static ApplicationDelivery Delivery(ByteString key, params IndexEntry[] entries)
    {
        var delivery = new ApplicationDelivery { Epoch = "0123456789abcdef", IndexKey = key };
        delivery.Index.AddRange(entries);
        return delivery;
    }

    private static RegisterLocallyRequest Local(string id, string citizen, string division) =>
        new() { RegistrationId = id, CitizenId = citizen, Category = "other", HandlingDivision = division };

    // The journal's file and its write-ahead log, as text an ID in the clear would show in.
    private static string Citizen(string address, string birth, string sequence) => address + birth + sequence + CitizenId.CheckCharacter(address + birth + sequence);
}

/// <summary>The index of valid registrations with the journals in SQLite files.</summary>
public sealed class RegistrationIndexTestsOnSqlite() : RegistrationIndexTests(new SqliteJournals());

/// <summary>The same with the journals in PostgreSQL, as at a ministry that runs it.</summary>
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class RegistrationIndexTestsOnPostgres() : RegistrationIndexTests(new PostgresJournals());
