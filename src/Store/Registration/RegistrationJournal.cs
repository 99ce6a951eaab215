using System.Data.Common;
using System.Globalization;
using Federation.Store.Security;

namespace Federation.Store.Registration;

/// <summary>
/// The registration service's journal, its rules written once over ADO.NET for both backends
/// (<see cref="IRegistrationJournal"/>): a SQLite file of its own beside a SQLite store
/// (<c>&lt;store&gt;.registration.db</c>, <c>Federation.Store.Sqlite.SqliteRegistrationJournal</c>) or the
/// <c>registration</c> schema of a PostgreSQL node's database
/// (<c>Federation.Store.Postgres.PostgresRegistrationJournal</c>); a backend gives the connection, the
/// schema and how a write transaction begins, the SQL here is what both databases read alike. It
/// holds the applications this node has received or passed down, the registrations the service made
/// or the feed brought, the change feed in this node's order, and the cursors of its links (a
/// parent's position in each child's feed; a child's position in its parent's applications). Every
/// change and its cursor are committed together, so a node that stops at any moment resumes exactly
/// where it was: nothing is lost, nothing applied twice. A commit is on disk when it returns (SQLite
/// synchronous=FULL; PostgreSQL's synchronous commit). The sealed snapshot stays the record of truth;
/// the journal is what happens between two snapshots (checked against the next one,
/// <see cref="RegistrationsOnOrBefore"/>).
/// </summary>
public abstract partial class RegistrationJournal : IRegistrationJournal
{
    private const string ParentCursorKey = "parent";
    private readonly DbConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>Over an open <paramref name="connection"/> whose schema is made; the journal owns it from here.</summary>
    protected RegistrationJournal(DbConnection connection)
    {
        _connection = connection;
        Execute(null, "INSERT INTO meta (key, value) VALUES ('epoch', @v) ON CONFLICT (key) DO NOTHING",
            ("@v", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))));
        using (var epoch = Command(null, "SELECT value FROM meta WHERE key = 'epoch'"))
        {
            Epoch = (string)epoch.ExecuteScalar()!;
        }
        _indexKey = LoadIndexKey();
    }

    /// <summary>
    /// This journal's epoch: random, made with the journal. A change is identified by (origin,
    /// origin's epoch, origin's sequence number) and a cursor names the epoch it counts in, so a
    /// journal replaced (lost, or restored from a backup) never has its new numbers taken for old ones.
    /// </summary>
    public string Epoch { get; }

    /// <inheritdoc/>
    public abstract string Where { get; }

    /// <summary>
    /// A write transaction: begun, then <see cref="Began"/> (a backend serialising writers across
    /// processes takes its lock there).
    /// </summary>
    private DbTransaction Begin()
    {
        var transaction = Live().BeginTransaction();
        try
        {
            Began(transaction);
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    /// <summary>Called at the start of every write transaction, under it.</summary>
    protected virtual void Began(DbTransaction transaction)
    {
    }

    /// <summary>Runs <paramref name="sql"/> under <paramref name="transaction"/> (null: none).</summary>
    protected void Execute(DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    // ---- applications -------------------------------------------------------------------------

    /// <summary>
    /// Records a new application at the ministry: <paramref name="make"/> gets the application's
    /// sequence number (for its id). A platform reference seen before returns that application
    /// instead, and <c>Duplicate</c>.
    /// </summary>
    public (ApplicationRecord Application, bool Duplicate) Submit(string platformReference, Func<long, ApplicationRecord> make)
    {
        lock (_gate)
        {
            using var transaction = Begin();
            if (platformReference.Length > 0 && QueryApplications(transaction, "WHERE platform_reference = @p", ("@p", platformReference)).FirstOrDefault() is { Application: not null } existing)
            {
                return (existing.Application, true);
            }
            var seq = Scalar(transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM applications");
            var application = make(seq);
            InsertApplication(transaction, seq, application);
            transaction.Commit();
            return (application, false);
        }
    }

    /// <summary>
    /// A child records an application its parent delivered at the parent's <paramref name="parentSeq"/>:
    /// inserted unless it is already here, and the cursor moved, in one transaction. Returns whether it was new.
    /// </summary>
    public bool ReceiveFromParent(string parentEpoch, long parentSeq, ApplicationRecord application)
    {
        lock (_gate)
        {
            using var transaction = Begin();
            CheckEpoch(transaction, ParentCursorKey, parentEpoch, "the parent");
            var isNew = FindApplication(transaction, application.ApplicationId) is null;
            if (isNew)
            {
                InsertApplication(transaction, Scalar(transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM applications"), application);
            }
            SetCursor(transaction, ParentCursorKey, Math.Max(parentSeq, Cursor(transaction, ParentCursorKey).Seq), parentEpoch);
            transaction.Commit();
            return isNew;
        }
    }

    /// <summary>The parent's sequence number of the last application committed here (0: none), and the parent's epoch.</summary>
    public JournalCursor ParentCursor()
    {
        lock (_gate)
        {
            return Cursor(null, ParentCursorKey);
        }
    }

    /// <summary>Applications after <paramref name="afterSeq"/> in this node's order, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<(long Seq, ApplicationRecord Application)> ApplicationsAfter(long afterSeq, int limit)
    {
        lock (_gate)
        {
            return QueryApplications(null, "WHERE seq > @after ORDER BY seq LIMIT @limit", ("@after", afterSeq), ("@limit", limit));
        }
    }

    /// <summary>The last sequence number of this node's applications (0: none).</summary>
    public long ApplicationHead()
    {
        lock (_gate)
        {
            return Scalar(null, "SELECT COALESCE(MAX(seq), 0) FROM applications");
        }
    }

    public ApplicationRecord? FindApplication(string applicationId)
    {
        lock (_gate)
        {
            return FindApplication(null, applicationId);
        }
    }

    /// <summary>An application of this citizen still waiting for a decision, if any.</summary>
    public ApplicationRecord? FindPendingApplication(string citizenId)
    {
        lock (_gate)
        {
            return QueryApplications(null, "WHERE citizen_id = @c AND status = 'pending' ORDER BY seq LIMIT 1", ("@c", citizenId)).FirstOrDefault().Application;
        }
    }

    /// <summary>
    /// Applications by status and city (empty = any), only those past a deadline on <paramref name="today"/>
    /// when <paramref name="overdueOnly"/>, oldest first.
    /// </summary>
    public IReadOnlyList<ApplicationRecord> ListApplications(string status, string cityDivision, bool overdueOnly, DateOnly today, int limit)
    {
        lock (_gate)
        {
            var where = "WHERE (@status = '' OR status = @status) AND (@city = '' OR city_division = @city)"
                + (overdueOnly ? $" AND ({DecisionOverdue} OR {ContactOverdue})" : "");
            return QueryApplications(null, where + " ORDER BY seq LIMIT @limit",
                ("@status", status), ("@city", cityDivision), ("@today", Day(today)), ("@limit", limit)).Select(a => a.Application).ToList();
        }
    }

    /// <summary>Every city with applications here: how many wait for a decision and how many are overdue on <paramref name="today"/>.</summary>
    public IReadOnlyList<CityBacklogCount> Backlog(DateOnly today)
    {
        lock (_gate)
        {
            return Query(null, $"""
                SELECT city_division, SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), SUM(CASE WHEN {DecisionOverdue} THEN 1 ELSE 0 END),
                  SUM(CASE WHEN {ContactOverdue} THEN 1 ELSE 0 END)
                FROM applications GROUP BY city_division ORDER BY city_division
                """, reader => new CityBacklogCount(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)), ("@today", Day(today)));
        }
    }

    // A decision is overdue once its due day has passed undecided; contact, once its due day has
    // passed without contact (working-day deadlines are computed when the dates are set).
    private const string DecisionOverdue = "(status = 'pending' AND decision_due < @today)";
    private const string ContactOverdue = "(status = 'accepted' AND contacted_on IS NULL AND contact_due < @today)";

    // ---- which cities have a node below ------------------------------------------------------

    /// <summary>Records the cities <paramref name="childId"/> said it serves (replacing what it said before).</summary>
    public void SetServed(string childId, IReadOnlyCollection<string> cities)
    {
        lock (_gate)
        {
            using var transaction = Begin();
            using (var delete = Command(transaction, "DELETE FROM served WHERE child_id = @c", ("@c", childId)))
            {
                delete.ExecuteNonQuery();
            }
            foreach (var city in cities)
            {
                using var insert = Command(transaction, "INSERT INTO served (child_id, city_division) VALUES (@c, @d) ON CONFLICT DO NOTHING", ("@c", childId), ("@d", city));
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>The child that serves <paramref name="cityDivision"/>, as the children last said, or null.</summary>
    public string? ServingChild(string cityDivision)
    {
        lock (_gate)
        {
            using var command = Command(null, "SELECT child_id FROM served WHERE city_division = @d ORDER BY child_id LIMIT 1", ("@d", cityDivision));
            return command.ExecuteScalar() as string;
        }
    }

    /// <summary>Whether <paramref name="childId"/> has said which cities it serves.</summary>
    public bool HasServed(string childId)
    {
        lock (_gate)
        {
            using var command = Command(null, "SELECT 1 FROM served WHERE child_id = @c LIMIT 1", ("@c", childId));
            return command.ExecuteScalar() is not null;
        }
    }

    // ---- registrations ------------------------------------------------------------------------

    /// <summary>
    /// The registration <paramref name="registrationId"/> of city node <paramref name="origin"/> — or the
    /// one it was merged into, when it is a local id that joined another registration.
    /// </summary>
    public RegistrationRecord? FindRegistration(string origin, string registrationId)
    {
        lock (_gate)
        {
            return QueryRegistrations(
                "WHERE origin = @o AND registration_id = COALESCE((SELECT registration_id FROM aliases WHERE origin = @o AND alias = @id), @id)",
                ("@o", origin), ("@id", registrationId)).FirstOrDefault();
        }
    }

    /// <summary>Records that the local id <paramref name="alias"/> is the registration <paramref name="registrationId"/> (R-18: one registration).</summary>
    public void AddAlias(string origin, string alias, string registrationId)
    {
        lock (_gate)
        {
            using var command = Command(null, "INSERT INTO aliases (origin, alias, registration_id) VALUES (@o, @a, @r) ON CONFLICT DO NOTHING",
                ("@o", origin), ("@a", alias), ("@r", registrationId));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The local ids merged into other registrations of <paramref name="origin"/>: alias → registration.</summary>
    public IReadOnlyDictionary<string, string> Aliases(string origin)
    {
        lock (_gate)
        {
            return Query(null, "SELECT alias, registration_id FROM aliases WHERE origin = @o", reader => (Alias: reader.GetString(0), Id: reader.GetString(1)), ("@o", origin))
                .ToDictionary(r => r.Alias, r => r.Id, StringComparer.Ordinal);
        }
    }

    /// <summary>This citizen's registrations known here, every origin, oldest first.</summary>
    public IReadOnlyList<RegistrationRecord> RegistrationsOf(string citizenId)
    {
        lock (_gate)
        {
            return QueryRegistrations("WHERE citizen_id = @c ORDER BY register_date, origin, registration_id", ("@c", citizenId));
        }
    }

    /// <summary>The registrations known here that began on or before <paramref name="day"/>, in id order.</summary>
    public IReadOnlyList<RegistrationRecord> RegistrationsOnOrBefore(DateOnly day)
    {
        lock (_gate)
        {
            return QueryRegistrations("WHERE register_date <= @d ORDER BY origin, registration_id", ("@d", Day(day)));
        }
    }

    /// <summary>How many registrations known here are valid on <paramref name="day"/>, per origin city node.</summary>
    public IReadOnlyDictionary<string, long> ValidOn(DateOnly day)
    {
        lock (_gate)
        {
            return Query(null, "SELECT origin, COUNT(*) FROM registrations WHERE register_date <= @d AND (cancel_date IS NULL OR cancel_date > @d) GROUP BY origin ORDER BY origin",
                reader => (Origin: reader.GetString(0), Count: reader.GetInt64(1)), ("@d", Day(day))).ToDictionary(r => r.Origin, r => r.Count, StringComparer.Ordinal);
        }
    }

    // ---- the feed -----------------------------------------------------------------------------

    /// <summary>
    /// A change made on this node: the new states of an application and/or a registration, and the
    /// feed entry carrying them (<paramref name="body"/> gets the entry's sequence number, which is
    /// also its origin sequence number), in one transaction.
    /// </summary>
    public FeedEntry Record(string origin, DateTimeOffset at, ApplicationRecord? application, RegistrationRecord? registration, Func<long, byte[]> body)
    {
        lock (_gate)
        {
            using var transaction = Begin();
            var seq = Scalar(transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM feed");
            var entry = new FeedEntry(seq, origin, Epoch, seq, at, body(seq));
            Apply(transaction, application, registration);
            InsertFeed(transaction, entry);
            transaction.Commit();
            return entry;
        }
    }

    /// <summary>
    /// A parent applies changes of <paramref name="childId"/>'s feed, in order, in one transaction (what
    /// the child's stream has already delivered: one disk sync for a burst, not one per change). Each
    /// change's position must count in the epoch this node's cursor does; a change is refused when its
    /// origin's changes have come through another child before; unless the origin's change is already
    /// here (a delivery seen twice), it is appended to this node's feed and the states it carries are
    /// applied; the child's cursor moves either way. Returns, per change, the entry appended or null
    /// for a duplicate.
    /// </summary>
    public IReadOnlyList<FeedEntry?> ApplyFromChild(string childId, IReadOnlyList<ChildChange> changes)
    {
        lock (_gate)
        {
            using var transaction = Begin();
            var key = ChildCursorKey(childId);
            var result = new List<FeedEntry?>(changes.Count);
            var next = Scalar(transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM feed");
            foreach (var change in changes)
            {
                CheckEpoch(transaction, key, change.ChildPosition.Epoch, childId);
                // An origin speaks through one child only: the first that brought it.
                var owner = OriginChild(transaction, change.Origin);
                if (owner is null)
                {
                    using var claim = Command(transaction, "INSERT INTO origins (origin, child_id) VALUES (@o, @c)", ("@o", change.Origin), ("@c", childId));
                    claim.ExecuteNonQuery();
                }
                else if (owner != childId)
                {
                    throw new InvalidOperationException($"changes of {change.Origin} come through {owner}, not {childId}; refused");
                }
                FeedEntry? entry = null;
                using (var seen = Command(transaction, "SELECT 1 FROM feed WHERE origin = @o AND origin_epoch = @e AND origin_seq = @s",
                    ("@o", change.Origin), ("@e", change.OriginEpoch), ("@s", change.OriginSeq)))
                {
                    if (seen.ExecuteScalar() is null)
                    {
                        entry = new FeedEntry(next++, change.Origin, change.OriginEpoch, change.OriginSeq, change.At, change.Body);
                        Apply(transaction, change.Application, change.Registration);
                        InsertFeed(transaction, entry);
                    }
                }
                SetCursor(transaction, key, Math.Max(change.ChildPosition.Seq, Cursor(transaction, key).Seq), change.ChildPosition.Epoch);
                result.Add(entry);
            }
            transaction.Commit();
            return result;
        }
    }

    /// <summary>
    /// Forgets this node's position in <paramref name="childId"/>'s feed and the epoch it counted in,
    /// after the child's journal was replaced (docs/registration.md, "Restoring"): the child's new feed
    /// is then received from its start; the old feed's changes stay known by their identity.
    /// </summary>
    public void ResetChildCursor(string childId)
    {
        lock (_gate)
        {
            using var command = Command(null, "DELETE FROM cursors WHERE link = @k", ("@k", ChildCursorKey(childId)));
            command.ExecuteNonQuery();
        }
    }

    private string? OriginChild(DbTransaction? transaction, string origin)
    {
        using var command = Command(transaction, "SELECT child_id FROM origins WHERE origin = @o", ("@o", origin));
        return command.ExecuteScalar() as string;
    }

    private void CheckEpoch(DbTransaction transaction, string key, string epoch, string who)
    {
        var known = Cursor(transaction, key);
        if (known.Epoch.Length > 0 && known.Epoch != epoch)
        {
            throw new JournalEpochException($"{who}'s journal is epoch {epoch}, but this node's cursor {known.Seq} counts in epoch {known.Epoch}: " +
                "its journal was replaced; see docs/registration.md, \"Restoring\"");
        }
    }

    /// <summary>This node's position in <paramref name="childId"/>'s feed (0: nothing received), and the child's epoch.</summary>
    public JournalCursor ChildCursor(string childId)
    {
        lock (_gate)
        {
            return Cursor(null, ChildCursorKey(childId));
        }
    }

    /// <summary>Feed entries after <paramref name="afterSeq"/>, in order, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<FeedEntry> FeedAfter(long afterSeq, int limit)
    {
        lock (_gate)
        {
            return Query(null, "SELECT seq, origin, origin_epoch, origin_seq, recorded_at, body FROM feed WHERE seq > @after ORDER BY seq LIMIT @limit",
                reader => new FeedEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), SecurityDatabase.ParseTime(reader.GetString(4)), (byte[])reader[5]),
                ("@after", afterSeq), ("@limit", limit));
        }
    }

    /// <summary>The last sequence number of this node's feed (0: empty).</summary>
    public long FeedHead()
    {
        lock (_gate)
        {
            return Scalar(null, "SELECT COALESCE(MAX(seq), 0) FROM feed");
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        GC.SuppressFinalize(this);
    }

    // ---- internals ----------------------------------------------------------------------------

    private static string ChildCursorKey(string childId) => "child:" + childId;

    private void Apply(DbTransaction transaction, ApplicationRecord? application, RegistrationRecord? registration)
    {
        if (application is not null)
        {
            if (FindApplication(transaction, application.ApplicationId) is null)
            {
                InsertApplication(transaction, Scalar(transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM applications"), application);
            }
            else
            {
                using var update = Command(transaction, """
                    UPDATE applications SET status = @status, decided_on = @decided, refusal_reason = @reason, registration_id = @reg,
                      contact_due = @contact_due, contacted_on = @contacted WHERE application_id = @id
                    """, ("@status", application.Status), ("@decided", Day(application.DecidedOn)), ("@reason", application.RefusalReason),
                    ("@reg", application.RegistrationId), ("@contact_due", Day(application.ContactDue)), ("@contacted", Day(application.ContactedOn)),
                    ("@id", application.ApplicationId));
                update.ExecuteNonQuery();
            }
        }
        if (registration is not null)
        {
            using var upsert = Command(transaction, """
                INSERT INTO registrations (registration_id, citizen_id, category, register_date, cancel_date, cancel_reason, handling_division, sources, application_ids, origin)
                VALUES (@id, @citizen, @category, @start, @cancel, @reason, @division, @sources, @apps, @origin)
                ON CONFLICT (origin, registration_id) DO UPDATE SET citizen_id = excluded.citizen_id, category = excluded.category,
                  register_date = excluded.register_date, cancel_date = excluded.cancel_date, cancel_reason = excluded.cancel_reason,
                  handling_division = excluded.handling_division, sources = excluded.sources, application_ids = excluded.application_ids
                """, ("@id", registration.RegistrationId), ("@citizen", registration.CitizenId), ("@category", registration.Category),
                ("@start", Day(registration.RegisterDate)), ("@cancel", Day(registration.CancelDate)), ("@reason", registration.CancelReason),
                ("@division", registration.HandlingDivision), ("@sources", registration.Sources),
                ("@apps", string.Join(',', registration.ApplicationIds)), ("@origin", registration.Origin));
            upsert.ExecuteNonQuery();
            if (_nationalIndex)
            {
                IndexPerson(transaction, registration.CitizenId);
            }
        }
    }

    private void InsertApplication(DbTransaction transaction, long seq, ApplicationRecord a)
    {
        using var insert = Command(transaction, """
            INSERT INTO applications (seq, application_id, citizen_id, name, place_type, place_division, category, platform_reference,
              received_on, city_division, decision_due, status, decided_on, refusal_reason, registration_id, contact_due, contacted_on)
            VALUES (@seq, @id, @citizen, @name, @type, @place, @category, @ref, @received, @city, @due, @status, @decided, @reason, @reg, @contact_due, @contacted)
            """, ("@seq", seq), ("@id", a.ApplicationId), ("@citizen", a.CitizenId), ("@name", a.Name), ("@type", a.PlaceType),
            ("@place", a.PlaceDivision), ("@category", a.Category), ("@ref", a.PlatformReference), ("@received", Day(a.ReceivedOn)),
            ("@city", a.CityDivision), ("@due", Day(a.DecisionDue)), ("@status", a.Status), ("@decided", Day(a.DecidedOn)),
            ("@reason", a.RefusalReason), ("@reg", a.RegistrationId), ("@contact_due", Day(a.ContactDue)), ("@contacted", Day(a.ContactedOn)));
        insert.ExecuteNonQuery();
    }

    private void InsertFeed(DbTransaction transaction, FeedEntry entry)
    {
        using var insert = Command(transaction, "INSERT INTO feed (seq, origin, origin_epoch, origin_seq, recorded_at, body) VALUES (@seq, @origin, @epoch, @oseq, @at, @body)",
            ("@seq", entry.Seq), ("@origin", entry.Origin), ("@epoch", entry.OriginEpoch), ("@oseq", entry.OriginSeq), ("@at", SecurityDatabase.Iso(entry.RecordedAt)), ("@body", entry.Body));
        insert.ExecuteNonQuery();
    }

    private ApplicationRecord? FindApplication(DbTransaction? transaction, string id) =>
        QueryApplications(transaction, "WHERE application_id = @id", ("@id", id)).FirstOrDefault().Application;

    private List<(long Seq, ApplicationRecord Application)> QueryApplications(DbTransaction? transaction, string where, params (string Name, object Value)[] parameters) =>
        Query(transaction, """
            SELECT seq, application_id, citizen_id, name, place_type, place_division, category, platform_reference, received_on, city_division,
              decision_due, status, decided_on, refusal_reason, registration_id, contact_due, contacted_on FROM applications
            """ + " " + where, reader => (reader.GetInt64(0), new ApplicationRecord(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), ParseDay(reader.GetString(8)), reader.GetString(9),
                ParseDay(reader.GetString(10)), reader.GetString(11), OptionalDay(reader, 12), reader.GetString(13), reader.GetString(14),
                OptionalDay(reader, 15), OptionalDay(reader, 16))), parameters);

    private List<RegistrationRecord> QueryRegistrations(string where, params (string Name, object Value)[] parameters) =>
        Query(null, """
            SELECT registration_id, citizen_id, category, register_date, cancel_date, cancel_reason, handling_division, sources, application_ids, origin
            FROM registrations
            """ + " " + where, reader => new RegistrationRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), ParseDay(reader.GetString(3)),
                OptionalDay(reader, 4), reader.GetString(5), reader.GetString(6), reader.GetString(7),
                reader.GetString(8) is { Length: > 0 } applications ? applications.Split(',') : [], reader.GetString(9)), parameters);

    private JournalCursor Cursor(DbTransaction? transaction, string key)
    {
        using var command = Command(transaction, "SELECT value, epoch FROM cursors WHERE link = @k", ("@k", key));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new JournalCursor(reader.GetInt64(0), reader.GetString(1)) : new JournalCursor(0, "");
    }

    private void SetCursor(DbTransaction transaction, string key, long value, string epoch)
    {
        using var command = Command(transaction,
            "INSERT INTO cursors (link, value, epoch) VALUES (@k, @v, @e) ON CONFLICT (link) DO UPDATE SET value = excluded.value, epoch = excluded.epoch",
            ("@k", key), ("@v", value), ("@e", epoch));
        command.ExecuteNonQuery();
    }

    private long Scalar(DbTransaction? transaction, string sql)
    {
        using var command = Command(transaction, sql);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    // Every read of rows: one loop, whichever table and backend.
    private List<T> Query<T>(DbTransaction? transaction, string sql, Func<DbDataReader, T> row, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var result = new List<T>();
        while (reader.Read())
        {
            result.Add(row(reader));
        }
        return result;
    }

    // One command helper for both stores' SQL (@-parameters).
    private DbCommand Command(DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters) =>
        FindingsSql.Command(transaction?.Connection ?? Live(), transaction, sql, parameters);

    // The journal's one connection, open. A database server that went away (PostgreSQL stopped or
    // restarted) leaves it broken: the call that found it so failed (UNAVAILABLE to its caller), and
    // the next one opens it again, so the journal answers once the server is back without a restart
    // of the node. A SQLite file's connection never breaks so.
    private DbConnection Live()
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            _connection.Close();
            _connection.Open();
        }
        return _connection;
    }

    private static object Day(DateOnly? day) => day is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : DBNull.Value;

    private static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? OptionalDay(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ParseDay(reader.GetString(ordinal));
}
