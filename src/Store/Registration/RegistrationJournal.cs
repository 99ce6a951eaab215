using System.Globalization;
using Federation.Store.Security;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Registration;

/// <summary>An application for unemployment registration as a node keeps it (docs/registration.md).</summary>
public sealed record ApplicationRecord(
    string ApplicationId, string CitizenId, string Name, string PlaceType, string PlaceDivision, string Category,
    string PlatformReference, DateOnly ReceivedOn, string CityDivision, DateOnly DecisionDue,
    string Status, DateOnly? DecidedOn, string RefusalReason, string RegistrationId, DateOnly? ContactDue, DateOnly? ContactedOn)
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Refused = "refused";
}

/// <summary>An unemployment registration the service made or learnt of through the feed; <see cref="Origin"/> is the city node that holds it.</summary>
public sealed record RegistrationRecord(
    string RegistrationId, string CitizenId, string Category, DateOnly RegisterDate, DateOnly? CancelDate, string CancelReason,
    string HandlingDivision, string Sources, IReadOnlyList<string> ApplicationIds, string Origin)
{
    /// <summary>Valid on <paramref name="day"/>: from the start up to, not including, the exit day.</summary>
    public bool OpenOn(DateOnly day) => RegisterDate <= day && (CancelDate is null || day < CancelDate);
}

/// <summary>One change of a node's feed: its own (origin = this node) or relayed from a child, with an opaque body the node encodes.</summary>
public sealed record FeedEntry(long Seq, string Origin, string OriginEpoch, long OriginSeq, DateTimeOffset RecordedAt, byte[] Body);

/// <summary>One change of a child's feed as a parent applies it (<see cref="RegistrationJournal.ApplyFromChild(string, IReadOnlyList{ChildChange})"/>).</summary>
public sealed record ChildChange(JournalCursor ChildPosition, string Origin, string OriginEpoch, long OriginSeq, DateTimeOffset At,
    ApplicationRecord? Application, RegistrationRecord? Registration, byte[] Body);

/// <summary>A position in another node's sequence, and the epoch of that node's journal it counts in (empty: none yet).</summary>
public readonly record struct JournalCursor(long Seq, string Epoch);

/// <summary>A link's cursor counts in another epoch than the other node's journal now has: it was replaced (docs/registration.md, "Restoring").</summary>
public sealed class JournalEpochException(string message) : Exception(message);

/// <summary>How many applications of one city are waiting and how many are past a deadline on a day.</summary>
public sealed record CityBacklogCount(string CityDivision, long Pending, long DecisionOverdue, long ContactOverdue);

/// <summary>
/// The registration service's journal, a SQLite file of its own beside the store
/// (<c>&lt;store&gt;.registration.db</c>), on every node: the applications this node has received or
/// passed down, the registrations the service made or the feed brought, the change feed in this
/// node's order, and the cursors of its links (a parent's position in each child's feed; a child's
/// position in its parent's applications). Every change and its cursor are committed together, so a
/// node that stops at any moment resumes exactly where it was: nothing is lost, nothing applied twice.
/// synchronous=FULL: an application or an exit acknowledged is on disk. The sealed snapshot stays the
/// record of truth; the journal is what happens between two snapshots (checked against the next one,
/// <see cref="RegistrationsOnOrBefore"/>).
/// </summary>
public sealed partial class RegistrationJournal : IDisposable
{
    private const string ParentCursorKey = "parent";
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private RegistrationJournal(SqliteConnection connection, string epoch)
    {
        _connection = connection;
        Epoch = epoch;
        _indexKey = LoadIndexKey();
    }

    /// <summary>
    /// This journal's epoch: random, made with the journal. A change is identified by (origin,
    /// origin's epoch, origin's sequence number) and a cursor names the epoch it counts in, so a
    /// journal replaced (lost, or restored from a backup) never has its new numbers taken for old ones.
    /// </summary>
    public string Epoch { get; }

    /// <summary>The journal's path for a store at <paramref name="storePath"/>.</summary>
    public static string PathFor(string storePath) => Path.ChangeExtension(storePath, null) + ".registration.db";

    public static RegistrationJournal Open(string path)
    {
        var connection = SecurityDatabase.OpenFile(path, durable: true);
        try
        {
            SecurityDatabase.Execute(connection, Schema);
            SecurityDatabase.Execute(connection, IndexSchema);
            SecurityDatabase.Execute(connection, $"INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', '{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}')");
            using var epoch = connection.CreateCommand();
            epoch.CommandText = "SELECT value FROM meta WHERE key = 'epoch'";
            return new RegistrationJournal(connection, (string)epoch.ExecuteScalar()!);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Writes a consistent copy to <paramref name="destination"/> (a new owner-only file) while the node runs.</summary>
    public static void BackupTo(string path, string destination) => SecurityDatabase.BackupTo(path, destination);

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
            using var transaction = _connection.BeginTransaction();
            if (platformReference.Length > 0 && QueryApplications(transaction, "WHERE platform_reference = $p", ("$p", platformReference)).FirstOrDefault() is { Application: not null } existing)
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
            using var transaction = _connection.BeginTransaction();
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
            return QueryApplications(null, "WHERE seq > $after ORDER BY seq LIMIT $limit", ("$after", afterSeq), ("$limit", limit));
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
            return QueryApplications(null, "WHERE citizen_id = $c AND status = 'pending' ORDER BY seq LIMIT 1", ("$c", citizenId)).FirstOrDefault().Application;
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
            var where = "WHERE ($status = '' OR status = $status) AND ($city = '' OR city_division = $city)"
                + (overdueOnly ? $" AND ({DecisionOverdue} OR {ContactOverdue})" : "");
            return QueryApplications(null, where + " ORDER BY seq LIMIT $limit",
                ("$status", status), ("$city", cityDivision), ("$today", Day(today)), ("$limit", limit)).Select(a => a.Application).ToList();
        }
    }

    /// <summary>Every city with applications here: how many wait for a decision and how many are overdue on <paramref name="today"/>.</summary>
    public IReadOnlyList<CityBacklogCount> Backlog(DateOnly today)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT city_division, SUM(status = 'pending'), SUM({DecisionOverdue}), SUM({ContactOverdue})
                FROM applications GROUP BY city_division ORDER BY city_division
                """;
            command.Parameters.AddWithValue("$today", Day(today));
            using var reader = command.ExecuteReader();
            var result = new List<CityBacklogCount>();
            while (reader.Read())
            {
                result.Add(new CityBacklogCount(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
            return result;
        }
    }

    // A decision is overdue once its due day has passed undecided; contact, once its due day has
    // passed without contact (working-day deadlines are computed when the dates are set).
    private const string DecisionOverdue = "(status = 'pending' AND decision_due < $today)";
    private const string ContactOverdue = "(status = 'accepted' AND contacted_on IS NULL AND contact_due < $today)";

    // ---- which cities have a node below ------------------------------------------------------

    /// <summary>Records the cities <paramref name="childId"/> said it serves (replacing what it said before).</summary>
    public void SetServed(string childId, IReadOnlyCollection<string> cities)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using (var delete = Command(transaction, "DELETE FROM served WHERE child_id = $c", ("$c", childId)))
            {
                delete.ExecuteNonQuery();
            }
            foreach (var city in cities)
            {
                using var insert = Command(transaction, "INSERT OR IGNORE INTO served (child_id, city_division) VALUES ($c, $d)", ("$c", childId), ("$d", city));
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
            using var command = Command(null, "SELECT child_id FROM served WHERE city_division = $d ORDER BY child_id LIMIT 1", ("$d", cityDivision));
            return command.ExecuteScalar() as string;
        }
    }

    /// <summary>Whether <paramref name="childId"/> has said which cities it serves.</summary>
    public bool HasServed(string childId)
    {
        lock (_gate)
        {
            using var command = Command(null, "SELECT 1 FROM served WHERE child_id = $c LIMIT 1", ("$c", childId));
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
                "WHERE origin = $o AND registration_id = COALESCE((SELECT registration_id FROM aliases WHERE origin = $o AND alias = $id), $id)",
                ("$o", origin), ("$id", registrationId)).FirstOrDefault();
        }
    }

    /// <summary>Records that the local id <paramref name="alias"/> is the registration <paramref name="registrationId"/> (R-18: one registration).</summary>
    public void AddAlias(string origin, string alias, string registrationId)
    {
        lock (_gate)
        {
            using var command = Command(null, "INSERT OR IGNORE INTO aliases (origin, alias, registration_id) VALUES ($o, $a, $r)",
                ("$o", origin), ("$a", alias), ("$r", registrationId));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The local ids merged into other registrations of <paramref name="origin"/>: alias → registration.</summary>
    public IReadOnlyDictionary<string, string> Aliases(string origin)
    {
        lock (_gate)
        {
            using var command = Command(null, "SELECT alias, registration_id FROM aliases WHERE origin = $o", ("$o", origin));
            using var reader = command.ExecuteReader();
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                result[reader.GetString(0)] = reader.GetString(1);
            }
            return result;
        }
    }

    /// <summary>This citizen's registrations known here, every origin, oldest first.</summary>
    public IReadOnlyList<RegistrationRecord> RegistrationsOf(string citizenId)
    {
        lock (_gate)
        {
            return QueryRegistrations("WHERE citizen_id = $c ORDER BY register_date, origin, registration_id", ("$c", citizenId));
        }
    }

    /// <summary>The registrations known here that began on or before <paramref name="day"/>, in id order.</summary>
    public IReadOnlyList<RegistrationRecord> RegistrationsOnOrBefore(DateOnly day)
    {
        lock (_gate)
        {
            return QueryRegistrations("WHERE register_date <= $d ORDER BY origin, registration_id", ("$d", Day(day)));
        }
    }

    /// <summary>How many registrations known here are valid on <paramref name="day"/>, per origin city node.</summary>
    public IReadOnlyDictionary<string, long> ValidOn(DateOnly day)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT origin, COUNT(*) FROM registrations WHERE register_date <= $d AND (cancel_date IS NULL OR cancel_date > $d) GROUP BY origin ORDER BY origin";
            command.Parameters.AddWithValue("$d", Day(day));
            using var reader = command.ExecuteReader();
            var result = new Dictionary<string, long>(StringComparer.Ordinal);
            while (reader.Read())
            {
                result[reader.GetString(0)] = reader.GetInt64(1);
            }
            return result;
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
            using var transaction = _connection.BeginTransaction();
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
            using var transaction = _connection.BeginTransaction();
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
                    using var claim = Command(transaction, "INSERT INTO origins (origin, child_id) VALUES ($o, $c)", ("$o", change.Origin), ("$c", childId));
                    claim.ExecuteNonQuery();
                }
                else if (owner != childId)
                {
                    throw new InvalidOperationException($"changes of {change.Origin} come through {owner}, not {childId}; refused");
                }
                FeedEntry? entry = null;
                using (var seen = Command(transaction, "SELECT 1 FROM feed WHERE origin = $o AND origin_epoch = $e AND origin_seq = $s",
                    ("$o", change.Origin), ("$e", change.OriginEpoch), ("$s", change.OriginSeq)))
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
            using var command = Command(null, "DELETE FROM cursors WHERE link = $k", ("$k", ChildCursorKey(childId)));
            command.ExecuteNonQuery();
        }
    }

    private string? OriginChild(SqliteTransaction? transaction, string origin)
    {
        using var command = Command(transaction, "SELECT child_id FROM origins WHERE origin = $o", ("$o", origin));
        return command.ExecuteScalar() as string;
    }

    private void CheckEpoch(SqliteTransaction transaction, string key, string epoch, string who)
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
            using var command = Command(null, "SELECT seq, origin, origin_epoch, origin_seq, recorded_at, body FROM feed WHERE seq > $after ORDER BY seq LIMIT $limit",
                ("$after", afterSeq), ("$limit", limit));
            using var reader = command.ExecuteReader();
            var result = new List<FeedEntry>();
            while (reader.Read())
            {
                result.Add(new FeedEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), SecurityDatabase.ParseTime(reader.GetString(4)), (byte[])reader[5]));
            }
            return result;
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

    public void Dispose() => _connection.Dispose();

    // ---- internals ----------------------------------------------------------------------------

    private static string ChildCursorKey(string childId) => "child:" + childId;

    private void Apply(SqliteTransaction transaction, ApplicationRecord? application, RegistrationRecord? registration)
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
                    UPDATE applications SET status = $status, decided_on = $decided, refusal_reason = $reason, registration_id = $reg,
                      contact_due = $contact_due, contacted_on = $contacted WHERE application_id = $id
                    """, ("$status", application.Status), ("$decided", Day(application.DecidedOn)), ("$reason", application.RefusalReason),
                    ("$reg", application.RegistrationId), ("$contact_due", Day(application.ContactDue)), ("$contacted", Day(application.ContactedOn)),
                    ("$id", application.ApplicationId));
                update.ExecuteNonQuery();
            }
        }
        if (registration is not null)
        {
            using var upsert = Command(transaction, """
                INSERT INTO registrations (registration_id, citizen_id, category, register_date, cancel_date, cancel_reason, handling_division, sources, application_ids, origin)
                VALUES ($id, $citizen, $category, $start, $cancel, $reason, $division, $sources, $apps, $origin)
                ON CONFLICT (origin, registration_id) DO UPDATE SET citizen_id = excluded.citizen_id, category = excluded.category,
                  register_date = excluded.register_date, cancel_date = excluded.cancel_date, cancel_reason = excluded.cancel_reason,
                  handling_division = excluded.handling_division, sources = excluded.sources, application_ids = excluded.application_ids
                """, ("$id", registration.RegistrationId), ("$citizen", registration.CitizenId), ("$category", registration.Category),
                ("$start", Day(registration.RegisterDate)), ("$cancel", Day(registration.CancelDate)), ("$reason", registration.CancelReason),
                ("$division", registration.HandlingDivision), ("$sources", registration.Sources),
                ("$apps", string.Join(',', registration.ApplicationIds)), ("$origin", registration.Origin));
            upsert.ExecuteNonQuery();
            if (_nationalIndex)
            {
                IndexPerson(transaction, registration.CitizenId);
            }
        }
    }

    private void InsertApplication(SqliteTransaction transaction, long seq, ApplicationRecord a)
    {
        using var insert = Command(transaction, """
            INSERT INTO applications (seq, application_id, citizen_id, name, place_type, place_division, category, platform_reference,
              received_on, city_division, decision_due, status, decided_on, refusal_reason, registration_id, contact_due, contacted_on)
            VALUES ($seq, $id, $citizen, $name, $type, $place, $category, $ref, $received, $city, $due, $status, $decided, $reason, $reg, $contact_due, $contacted)
            """, ("$seq", seq), ("$id", a.ApplicationId), ("$citizen", a.CitizenId), ("$name", a.Name), ("$type", a.PlaceType),
            ("$place", a.PlaceDivision), ("$category", a.Category), ("$ref", a.PlatformReference), ("$received", Day(a.ReceivedOn)),
            ("$city", a.CityDivision), ("$due", Day(a.DecisionDue)), ("$status", a.Status), ("$decided", Day(a.DecidedOn)),
            ("$reason", a.RefusalReason), ("$reg", a.RegistrationId), ("$contact_due", Day(a.ContactDue)), ("$contacted", Day(a.ContactedOn)));
        insert.ExecuteNonQuery();
    }

    private void InsertFeed(SqliteTransaction transaction, FeedEntry entry)
    {
        using var insert = Command(transaction, "INSERT INTO feed (seq, origin, origin_epoch, origin_seq, recorded_at, body) VALUES ($seq, $origin, $epoch, $oseq, $at, $body)",
            ("$seq", entry.Seq), ("$origin", entry.Origin), ("$epoch", entry.OriginEpoch), ("$oseq", entry.OriginSeq), ("$at", SecurityDatabase.Iso(entry.RecordedAt)), ("$body", entry.Body));
        insert.ExecuteNonQuery();
    }

    private ApplicationRecord? FindApplication(SqliteTransaction? transaction, string id) =>
        QueryApplications(transaction, "WHERE application_id = $id", ("$id", id)).FirstOrDefault().Application;

    private List<(long Seq, ApplicationRecord Application)> QueryApplications(SqliteTransaction? transaction, string where, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, """
            SELECT seq, application_id, citizen_id, name, place_type, place_division, category, platform_reference, received_on, city_division,
              decision_due, status, decided_on, refusal_reason, registration_id, contact_due, contacted_on FROM applications
            """ + " " + where, parameters);
        using var reader = command.ExecuteReader();
        var result = new List<(long, ApplicationRecord)>();
        while (reader.Read())
        {
            result.Add((reader.GetInt64(0), new ApplicationRecord(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), ParseDay(reader.GetString(8)), reader.GetString(9),
                ParseDay(reader.GetString(10)), reader.GetString(11), OptionalDay(reader, 12), reader.GetString(13), reader.GetString(14),
                OptionalDay(reader, 15), OptionalDay(reader, 16))));
        }
        return result;
    }

    private List<RegistrationRecord> QueryRegistrations(string where, params (string Name, object Value)[] parameters)
    {
        using var command = Command(null, """
            SELECT registration_id, citizen_id, category, register_date, cancel_date, cancel_reason, handling_division, sources, application_ids, origin
            FROM registrations
            """ + " " + where, parameters);
        using var reader = command.ExecuteReader();
        var result = new List<RegistrationRecord>();
        while (reader.Read())
        {
            var applications = reader.GetString(8);
            result.Add(new RegistrationRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), ParseDay(reader.GetString(3)),
                OptionalDay(reader, 4), reader.GetString(5), reader.GetString(6), reader.GetString(7),
                applications.Length == 0 ? [] : applications.Split(','), reader.GetString(9)));
        }
        return result;
    }

    private JournalCursor Cursor(SqliteTransaction? transaction, string key)
    {
        using var command = Command(transaction, "SELECT value, epoch FROM cursors WHERE link = $k", ("$k", key));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new JournalCursor(reader.GetInt64(0), reader.GetString(1)) : new JournalCursor(0, "");
    }

    private void SetCursor(SqliteTransaction transaction, string key, long value, string epoch)
    {
        using var command = Command(transaction,
            "INSERT INTO cursors (link, value, epoch) VALUES ($k, $v, $e) ON CONFLICT (link) DO UPDATE SET value = excluded.value, epoch = excluded.epoch",
            ("$k", key), ("$v", value), ("$e", epoch));
        command.ExecuteNonQuery();
    }

    private long Scalar(SqliteTransaction? transaction, string sql)
    {
        using var command = Command(transaction, sql);
        return (long)command.ExecuteScalar()!;
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    private static object Day(DateOnly? day) => day is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : DBNull.Value;

    private static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? OptionalDay(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ParseDay(reader.GetString(ordinal));

    // Application and registration rows are the latest state; the feed is append-only in the
    // database itself (a change sent up the tree is never rewritten).
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS applications (
          seq INTEGER PRIMARY KEY, application_id TEXT NOT NULL UNIQUE, citizen_id TEXT NOT NULL, name TEXT NOT NULL,
          place_type TEXT NOT NULL, place_division TEXT NOT NULL, category TEXT NOT NULL, platform_reference TEXT NOT NULL,
          received_on TEXT NOT NULL, city_division TEXT NOT NULL, decision_due TEXT NOT NULL, status TEXT NOT NULL,
          decided_on TEXT, refusal_reason TEXT NOT NULL, registration_id TEXT NOT NULL, contact_due TEXT, contacted_on TEXT);
        CREATE INDEX IF NOT EXISTS applications_citizen ON applications (citizen_id);
        CREATE INDEX IF NOT EXISTS applications_reference ON applications (platform_reference) WHERE platform_reference <> '';
        CREATE INDEX IF NOT EXISTS applications_city ON applications (city_division, status);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS registrations (
          origin TEXT NOT NULL, registration_id TEXT NOT NULL, citizen_id TEXT NOT NULL, category TEXT NOT NULL, register_date TEXT NOT NULL,
          cancel_date TEXT, cancel_reason TEXT NOT NULL, handling_division TEXT NOT NULL, sources TEXT NOT NULL,
          application_ids TEXT NOT NULL, PRIMARY KEY (origin, registration_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS registrations_citizen ON registrations (citizen_id);
        CREATE INDEX IF NOT EXISTS registrations_start ON registrations (register_date);
        CREATE TABLE IF NOT EXISTS aliases (
          origin TEXT NOT NULL, alias TEXT NOT NULL, registration_id TEXT NOT NULL, PRIMARY KEY (origin, alias)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS origins (origin TEXT PRIMARY KEY, child_id TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS feed (
          seq INTEGER PRIMARY KEY, origin TEXT NOT NULL, origin_epoch TEXT NOT NULL, origin_seq INTEGER NOT NULL, recorded_at TEXT NOT NULL,
          body BLOB NOT NULL, UNIQUE (origin, origin_epoch, origin_seq));
        CREATE TRIGGER IF NOT EXISTS feed_append_only_update BEFORE UPDATE ON feed
          BEGIN SELECT RAISE(ABORT, 'the change feed is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS feed_append_only_delete BEFORE DELETE ON feed
          BEGIN SELECT RAISE(ABORT, 'the change feed is append-only'); END;
        CREATE TABLE IF NOT EXISTS cursors (link TEXT PRIMARY KEY, value INTEGER NOT NULL, epoch TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS served (child_id TEXT NOT NULL, city_division TEXT NOT NULL, PRIMARY KEY (child_id, city_division)) WITHOUT ROWID;
        """;
}
