using Federation.Store.Registration;
using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests.Registration;

/// <summary>
/// The registration journal as a store role, written once and run on each backend (a SQLite file,
/// a PostgreSQL database): the epoch kept across a restart, a child's feed applied once per change
/// (a delivery seen twice is a no-op, a burst is all or nothing), an origin heard through one child
/// only, cursors that name their epoch, the parent's deliveries received once, the national index
/// kept exact, and the same order of rows on both.
/// </summary>
public abstract class RegistrationJournalTests(JournalBackend journals) : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(8));

    public void Dispose()
    {
        journals.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void TheEpoch_IsMadeWithTheJournal_AndKeptAcrossARestart()
    {
        string epoch;
        using (var journal = journals.Open("a"))
        {
            epoch = journal.Epoch;
            journal.Record("city-440100", At, null, Registered("GZ-1", "440106199001011234", new DateOnly(2026, 12, 1)), seq => [(byte)seq]);
        }
        using var reopened = journals.Open("a");
        using var other = journals.Open("b");
        Assert.Equal(epoch, reopened.Epoch);
        Assert.Matches("^[0-9a-f]{16}$", epoch);
        Assert.NotEqual(epoch, other.Epoch);
        var entry = Assert.Single(reopened.FeedAfter(0, 10));
        Assert.Equal((1L, "city-440100", epoch, 1L, At), (entry.Seq, entry.Origin, entry.OriginEpoch, entry.OriginSeq, entry.RecordedAt));
        Assert.Equal([1], entry.Body);
    }

    [Fact]
    public void AChildsFeed_IsAppliedOnce_ABurstIsAllOrNothing_AndAnOriginSpeaksThroughOneChild()
    {
        using var parent = journals.Open("parent");
        var first = Change(1, "city-440100", "e1", 1, Registered("GZ-1", "440106199001011234", new DateOnly(2026, 12, 1)));
        var second = Change(2, "city-440100", "e1", 2, Registered("GZ-2", "440106198505052221", new DateOnly(2026, 12, 2)));

        var applied = parent.ApplyFromChild("province-440000", [first, second]);
        Assert.Equal([1L, 2L], applied.Select(e => e!.Seq));
        // Delivered again (a resumed stream): nothing appended, nothing applied twice, the cursor holds.
        Assert.All(parent.ApplyFromChild("province-440000", [first, second]), Assert.Null);
        Assert.Equal((2L, new JournalCursor(2, "child-epoch")), (parent.FeedHead(), parent.ChildCursor("province-440000")));
        Assert.Equal(2L, parent.ValidOn(new DateOnly(2026, 12, 2))["city-440100"]);

        // A burst whose last change is refused leaves nothing of the burst behind.
        var third = Change(3, "city-440100", "e1", 3, Registered("GZ-3", "440106197707073339", new DateOnly(2026, 12, 2)));
        var stranger = Change(4, "city-440100", "e1", 4, Registered("GZ-4", "440106196606064443", new DateOnly(2026, 12, 2)));
        parent.ApplyFromChild("province-440000", [third]);
        var refused = Assert.Throws<InvalidOperationException>(() => parent.ApplyFromChild("province-450000",
            [Change(1, "city-450100", "e9", 1, Registered("NN-1", "450102199001011235", new DateOnly(2026, 12, 2))), stranger]));
        Assert.Equal("changes of city-440100 come through province-440000, not province-450000; refused", refused.Message);
        Assert.Equal((3L, 0L), (parent.FeedHead(), parent.ChildCursor("province-450000").Seq));
        Assert.Null(parent.FindRegistration("city-450100", "NN-1"));
    }

    [Fact]
    public void ACursor_NamesItsEpoch_AReplacedJournalIsRefused_UntilTheCursorIsReset()
    {
        using var parent = journals.Open("parent");
        parent.ApplyFromChild("city-440100", [Change(5, "city-440100", "old", 5, Registered("GZ-1", "440106199001011234", new DateOnly(2026, 12, 1)))]);

        var replaced = Change(1, "city-440100", "new", 1, Registered("GZ-2", "440106198505052221", new DateOnly(2026, 12, 2))) with
        {
            ChildPosition = new JournalCursor(1, "new"),
        };
        var refused = Assert.Throws<JournalEpochException>(() => parent.ApplyFromChild("city-440100", [replaced]));
        Assert.StartsWith("city-440100's journal is epoch new, but this node's cursor 5 counts in epoch child-epoch", refused.Message, StringComparison.Ordinal);

        parent.ResetChildCursor("city-440100");
        Assert.Equal(new JournalCursor(0, ""), parent.ChildCursor("city-440100"));
        Assert.NotNull(Assert.Single(parent.ApplyFromChild("city-440100", [replaced])));
        Assert.Equal(new JournalCursor(1, "new"), parent.ChildCursor("city-440100"));
    }

    [Fact]
    public void TheParentsDeliveries_AreReceivedOnce_InTheParentsEpoch()
    {
        using var city = journals.Open("city");
        var application = Application("A2026120200000001", "440106199001011234", "ref-1");
        Assert.True(city.ReceiveFromParent("ministry-epoch", 7, application));
        Assert.False(city.ReceiveFromParent("ministry-epoch", 7, application));
        Assert.Equal((new JournalCursor(7, "ministry-epoch"), 1L), (city.ParentCursor(), city.ApplicationHead()));
        Assert.Throws<JournalEpochException>(() => city.ReceiveFromParent("another", 8, Application("A2026120200000002", "440106198505052221", "ref-2")));
        Assert.Equal(application, city.FindApplication(application.ApplicationId));
        Assert.Equal(application, city.FindPendingApplication(application.CitizenId));
    }

    [Fact]
    public void Applications_AreNumberedOnce_PerPlatformReference_AndCountedPerCity()
    {
        using var ministry = journals.Open("ministry");
        var (first, duplicate) = ministry.Submit("ref-1", seq => Application($"A20261202{seq:D8}", "440106199001011234", "ref-1"));
        Assert.False(duplicate);
        var again = ministry.Submit("ref-1", _ => throw new InvalidOperationException("not made twice"));
        Assert.Equal((first, true), again);
        ministry.Submit("ref-2", seq => Application($"A20261202{seq:D8}", "440304199202025520", "ref-2") with { CityDivision = "440300", DecisionDue = new DateOnly(2026, 12, 10) });
        ministry.Record("ministry", At, first with { Status = ApplicationRecord.Accepted, ContactDue = new DateOnly(2026, 12, 3) }, null, _ => []);

        Assert.Equal(["A2026120200000001", "A2026120200000002"], ministry.ApplicationsAfter(0, 10).Select(a => a.Application.ApplicationId));
        var today = new DateOnly(2026, 12, 5);
        Assert.Equal([new CityBacklogCount("440100", 0, 0, 1), new CityBacklogCount("440300", 1, 0, 0)], ministry.Backlog(today));
        Assert.Equal(["A2026120200000001"], ministry.ListApplications("", "", overdueOnly: true, today, 10).Select(a => a.ApplicationId));
        Assert.Equal(["A2026120200000002"], ministry.ListApplications(ApplicationRecord.Pending, "440300", overdueOnly: false, today, 10).Select(a => a.ApplicationId));
    }

    [Fact]
    public void TheNationalIndex_FollowsEveryStartAndExit_AndAChildReceivesItOnce()
    {
        using var ministry = journals.Open("ministry");
        ministry.KeepNationalIndex();
        var key = ministry.IndexKey!;
        const string person = "440106199001011234";
        ministry.ApplyFromChild("city-440100", [Change(1, "city-440100", "e1", 1, Registered("GZ-1", person, new DateOnly(2026, 12, 1)))]);
        Assert.Equal(("440100", 1L), (ministry.IndexedCity(person), ministry.IndexPeople()));
        ministry.ApplyFromChild("city-440100", [Change(2, "city-440100", "e1", 2, Registered("GZ-1", person, new DateOnly(2026, 12, 1)) with { CancelDate = new DateOnly(2026, 12, 3), CancelReason = "employed" })]);
        Assert.Equal((null, 0L, 2L), (ministry.IndexedCity(person), ministry.IndexPeople(), ministry.IndexHead()));

        using var city = journals.Open("city");
        var entries = ministry.IndexAfter(0, 10);
        Assert.Equal([2L], entries.Select(e => e.Seq)); // the person's latest state only
        var received = entries.Select(e => new ReceivedIndexEntry(e.Seq, e.PersonKey, e.CityDivision)).ToList();
        Assert.Equal(0, city.ReceiveIndex(ministry.Epoch, key, received)); // emptied: nothing to keep for someone never known here
        Assert.Equal(new JournalCursor(2, ministry.Epoch), city.ParentIndexCursor());
        Assert.Equal(key, city.IndexKey);
        Assert.Throws<JournalEpochException>(() => city.ReceiveIndex(ministry.Epoch, new byte[32], [new ReceivedIndexEntry(3, new byte[32], "440300")]));
    }

    [Fact]
    public void Rows_ComeInTheSameOrder_OnBothBackends()
    {
        using var journal = journals.Open("order");
        // Byte order, as SQLite compares text: upper case before lower, ASCII before Chinese.
        foreach (var id in new[] { "b-1", "B-2", "广-3", "a-4" })
        {
            journal.Record("city-440100", At, null, Registered(id, "440106199001011234", new DateOnly(2026, 12, 1)), _ => []);
        }
        journal.AddAlias("city-440100", "L-1", "b-1");
        Assert.Equal(["B-2", "a-4", "b-1", "广-3"], journal.RegistrationsOnOrBefore(new DateOnly(2026, 12, 1)).Select(r => r.RegistrationId));
        Assert.Equal("b-1", journal.FindRegistration("city-440100", "L-1")!.RegistrationId);
        Assert.Equal(4, journal.RegistrationsOf("440106199001011234").Count);
        Assert.Empty(journal.DoubleRegistrations()); // one person, one city node
        journal.SetServed("province-440000", ["440300", "440100"]);
        Assert.Equal(("province-440000", true, false), (journal.ServingChild("440100"), journal.HasServed("province-440000"), journal.HasServed("x")));
    }

    internal static ChildChange Change(long position, string origin, string originEpoch, long originSeq, RegistrationRecord registration) =>
        new(new JournalCursor(position, "child-epoch"), origin, originEpoch, originSeq, At, null, registration with { Origin = origin }, [(byte)originSeq]);

    internal static RegistrationRecord Registered(string id, string citizen, DateOnly start) =>
        new(id, citizen, "other", start, null, "", "440106", "local", [], "city-440100");

    internal static ApplicationRecord Application(string id, string citizen, string reference) =>
        new(id, citizen, "陈晓明", "residence", "440106", "other", reference, new DateOnly(2026, 12, 2), "440100", new DateOnly(2026, 12, 4),
            ApplicationRecord.Pending, null, "", "", null, null);
}

public sealed class RegistrationJournalTestsOnSqlite() : RegistrationJournalTests(new SqliteJournals());

[Collection(PostgresServer.Collection)]
[Trait(Tier.Needs, Tier.PostgreSql)]
public sealed class RegistrationJournalTestsOnPostgres(PostgresServer server) : RegistrationJournalTests(new PostgresJournals(server.Cluster));
