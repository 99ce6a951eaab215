namespace Federation.Store.Registration;

/// <summary>
/// The registration service's journal as a store role (docs/registration.md): the applications a
/// node received or passed down, the registrations the service made or the feed brought, the change
/// feed in this node's order, the index of valid registrations and the cursors of the node's
/// links, each change committed with its cursor so nothing is lost or applied twice. A SQLite file
/// beside a SQLite store (<c>Federation.Store.Sqlite.SqliteRegistrationJournal</c>), the
/// <c>registration</c> schema of the node's database at a PostgreSQL node
/// (<c>Federation.Store.Postgres.PostgresRegistrationJournal</c>); the rules are
/// <see cref="RegistrationJournal"/>'s, one place for both.
/// </summary>
public interface IRegistrationJournal : IDisposable
{
    /// <summary>This journal's epoch: random, made with the journal; a cursor names the epoch it counts in.</summary>
    string Epoch { get; }

    /// <summary>Where the journal is: its file, or the PostgreSQL database (never a password).</summary>
    string Where { get; }

    /// <summary>Records a new application at the ministry (a platform reference seen before returns that application, and <c>Duplicate</c>).</summary>
    (ApplicationRecord Application, bool Duplicate) Submit(string platformReference, Func<long, ApplicationRecord> make);

    /// <summary>A child records an application its parent delivered at the parent's <paramref name="parentSeq"/>, with its cursor; whether it was new.</summary>
    bool ReceiveFromParent(string parentEpoch, long parentSeq, ApplicationRecord application);

    /// <summary>The parent's sequence number of the last application committed here (0: none), and the parent's epoch.</summary>
    JournalCursor ParentCursor();

    /// <summary>Applications after <paramref name="afterSeq"/> in this node's order, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<(long Seq, ApplicationRecord Application)> ApplicationsAfter(long afterSeq, int limit);

    /// <summary>The last sequence number of this node's applications (0: none).</summary>
    long ApplicationHead();

    ApplicationRecord? FindApplication(string applicationId);

    /// <summary>An application of this citizen still waiting for a decision, if any.</summary>
    ApplicationRecord? FindPendingApplication(string citizenId);

    /// <summary>Applications by status and city (empty = any), only the overdue when <paramref name="overdueOnly"/>, oldest first.</summary>
    IReadOnlyList<ApplicationRecord> ListApplications(string status, string cityDivision, bool overdueOnly, DateOnly today, int limit);

    /// <summary>Every city with applications here: how many wait for a decision and how many are overdue on <paramref name="today"/>.</summary>
    IReadOnlyList<CityBacklogCount> Backlog(DateOnly today);

    /// <summary>Records the cities <paramref name="childId"/> said it serves (replacing what it said before).</summary>
    void SetServed(string childId, IReadOnlyCollection<string> cities);

    /// <summary>The child that serves <paramref name="cityDivision"/>, as the children last said, or null.</summary>
    string? ServingChild(string cityDivision);

    /// <summary>Whether <paramref name="childId"/> has said which cities it serves.</summary>
    bool HasServed(string childId);

    /// <summary>The registration of <paramref name="origin"/>, or the one a local id was merged into .</summary>
    RegistrationRecord? FindRegistration(string origin, string registrationId);

    /// <summary>Records that the local id <paramref name="alias"/> is the registration <paramref name="registrationId"/>.</summary>
    void AddAlias(string origin, string alias, string registrationId);

    /// <summary>The local ids merged into other registrations of <paramref name="origin"/>: alias → registration.</summary>
    IReadOnlyDictionary<string, string> Aliases(string origin);

    /// <summary>This citizen's registrations known here, every origin, oldest first.</summary>
    IReadOnlyList<RegistrationRecord> RegistrationsOf(string citizenId);

    /// <summary>The registrations known here that began on or before <paramref name="day"/>, in id order.</summary>
    IReadOnlyList<RegistrationRecord> RegistrationsOnOrBefore(DateOnly day);

    /// <summary>How many registrations known here are valid on <paramref name="day"/>, per origin city node.</summary>
    IReadOnlyDictionary<string, long> ValidOn(DateOnly day);

    /// <summary>A change made on this node and the feed entry carrying it, in one transaction.</summary>
    FeedEntry Record(string origin, DateTimeOffset at, ApplicationRecord? application, RegistrationRecord? registration, Func<long, byte[]> body);

    /// <summary>A parent applies changes of <paramref name="childId"/>'s feed in one transaction; per change, the entry appended or null for a duplicate.</summary>
    IReadOnlyList<FeedEntry?> ApplyFromChild(string childId, IReadOnlyList<ChildChange> changes);

    /// <summary>Forgets this node's position in <paramref name="childId"/>'s feed and its epoch (docs/registration.md, "Restoring").</summary>
    void ResetChildCursor(string childId);

    /// <summary>This node's position in <paramref name="childId"/>'s feed (0: nothing received), and the child's epoch.</summary>
    JournalCursor ChildCursor(string childId);

    /// <summary>Feed entries after <paramref name="afterSeq"/>, in order, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<FeedEntry> FeedAfter(long afterSeq, int limit);

    /// <summary>The last sequence number of this node's feed (0: empty).</summary>
    long FeedHead();

    /// <summary>The key the index is hashed under (null: none yet).</summary>
    byte[]? IndexKey { get; }

    /// <summary>Makes this the national index (the ministry's), building it from the registrations if it is empty.</summary>
    void KeepNationalIndex();

    /// <summary>The city the index says holds <paramref name="citizenId"/>'s valid registration, or null.</summary>
    string? IndexedCity(string citizenId);

    /// <summary>How many people the index here holds as registered.</summary>
    long IndexPeople();

    /// <summary>The last sequence number of this node's index (0: none).</summary>
    long IndexHead();

    /// <summary>The index's entries changed after <paramref name="afterSeq"/>, in order, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<IndexEntryRecord> IndexAfter(long afterSeq, int limit);

    /// <summary>This node's position in its parent's index (0: nothing received), and the parent's epoch.</summary>
    JournalCursor ParentIndexCursor();

    /// <summary>A child commits index entries its parent sent, with its position, in one transaction; how many entries changed.</summary>
    int ReceiveIndex(string parentEpoch, byte[] key, IReadOnlyList<ReceivedIndexEntry> entries);

    /// <summary>People with a valid registration at two or more city nodes, each person's open registrations, oldest first.</summary>
    IReadOnlyList<IReadOnlyList<RegistrationRecord>> DoubleRegistrations();
}
