using System.Data.Common;
using Federation.Standards;
using Federation.Store.Security;

namespace Federation.Store.Registration;

// The index of valid registrations (R-18, docs/registration.md "One registration per person"): the
// keyed hash of a citizen ID → the city holding the person's valid registration. The ministry keeps
// it from the registrations the feed brings, in the same transaction as each registration change, so
// it is exact on every start, exit and transfer; a province and a city keep what their parent sends
// (keys only: no records, no names) and a province passes it on. Each person's row holds only its
// latest state, numbered by the change that made it: "entries after n" is the compacted log a child
// resumes from. A row whose registration ended stays, emptied, so the change travels down.
public abstract partial class RegistrationJournal
{
    private const string ParentIndexCursorKey = "parent-index";

    private bool _nationalIndex;
    private byte[]? _indexKey;

    /// <summary>The key the index is hashed under: the ministry's, made with its journal, received by every node below (null: none yet).</summary>
    public byte[]? IndexKey
    {
        get
        {
            lock (_gate)
            {
                return _indexKey?.ToArray();
            }
        }
    }

    /// <summary>
    /// Makes this the national index (the ministry's): a key is made with the journal unless it has
    /// one, and every registration change indexes its person from then on; an index still empty
    /// while registrations are known (a journal of an earlier version) is built from them.
    /// </summary>
    public void KeepNationalIndex()
    {
        lock (_gate)
        {
            using var transaction = Live().BeginTransaction();
            if (_indexKey is null)
            {
                var key = KeyedHash.NewKey();
                using var insert = Command(transaction, "INSERT INTO meta (key, value) VALUES ('index_key', @v)", ("@v", Convert.ToHexStringLower(key)));
                insert.ExecuteNonQuery();
                _indexKey = key;
            }
            _nationalIndex = true;
            if (Scalar(transaction, "SELECT COUNT(*) FROM person_index") == 0)
            {
                foreach (var citizen in Strings(transaction, "SELECT DISTINCT citizen_id FROM registrations ORDER BY citizen_id"))
                {
                    IndexPerson(transaction, citizen);
                }
            }
            transaction.Commit();
        }
    }

    /// <summary>The city the index says holds <paramref name="citizenId"/>'s valid registration, or null (not registered, or no index yet).</summary>
    public string? IndexedCity(string citizenId)
    {
        lock (_gate)
        {
            if (_indexKey is null)
            {
                return null;
            }
            using var command = Command(null, "SELECT city_division FROM person_index WHERE person_key = @k", ("@k", KeyedHash.Of(_indexKey, citizenId)));
            return command.ExecuteScalar() is string { Length: > 0 } city ? city : null;
        }
    }

    /// <summary>How many people the index here holds as registered (in another city, at a city).</summary>
    public long IndexPeople()
    {
        lock (_gate)
        {
            return Scalar(null, "SELECT COUNT(*) FROM person_index WHERE city_division <> ''");
        }
    }

    /// <summary>The last sequence number of this node's index (0: none).</summary>
    public long IndexHead()
    {
        lock (_gate)
        {
            return Scalar(null, "SELECT COALESCE(MAX(seq), 0) FROM person_index");
        }
    }

    /// <summary>The index's entries changed after <paramref name="afterSeq"/>, in order, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<IndexEntryRecord> IndexAfter(long afterSeq, int limit)
    {
        lock (_gate)
        {
            return Query(null, "SELECT seq, person_key, city_division FROM person_index WHERE seq > @after ORDER BY seq LIMIT @limit",
                reader => new IndexEntryRecord(reader.GetInt64(0), (byte[])reader[1], reader.GetString(2)), ("@after", afterSeq), ("@limit", limit));
        }
    }

    /// <summary>This node's position in its parent's index (0: nothing received), and the parent's epoch.</summary>
    public JournalCursor ParentIndexCursor()
    {
        lock (_gate)
        {
            return Cursor(null, ParentIndexCursorKey);
        }
    }

    /// <summary>
    /// A child commits index entries its parent sent (in the parent's order, hashed under
    /// <paramref name="key"/>) and its position, in one transaction; each changed entry is numbered
    /// anew here for this node's own children. The key is the tree's: a different one than this
    /// journal has, once entries were received under it, means the parent's journal was replaced
    /// (<see cref="JournalEpochException"/>). Returns how many entries changed.
    /// </summary>
    public int ReceiveIndex(string parentEpoch, byte[] key, IReadOnlyList<ReceivedIndexEntry> entries)
    {
        lock (_gate)
        {
            using var transaction = Live().BeginTransaction();
            CheckEpoch(transaction, ParentIndexCursorKey, parentEpoch, "the parent");
            var position = Cursor(transaction, ParentIndexCursorKey);
            if (_indexKey is null || !_indexKey.AsSpan().SequenceEqual(key))
            {
                if (_indexKey is not null && position.Seq > 0)
                {
                    throw new JournalEpochException($"the parent's index key is not the one this node's index (at {position.Seq}) was received under: its journal was replaced; see docs/registration.md, \"Restoring\"");
                }
                using var delete = Command(transaction, "DELETE FROM person_index");
                delete.ExecuteNonQuery();
                using var upsert = Command(transaction, "INSERT INTO meta (key, value) VALUES ('index_key', @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    ("@v", Convert.ToHexStringLower(key)));
                upsert.ExecuteNonQuery();
            }
            var changed = 0;
            var last = position.Seq;
            foreach (var entry in entries)
            {
                if (entry.ParentSeq <= last)
                {
                    continue; // already here (a delivery seen twice)
                }
                changed += SetIndexEntry(transaction, entry.PersonKey, entry.CityDivision) ? 1 : 0;
                last = entry.ParentSeq;
            }
            SetCursor(transaction, ParentIndexCursorKey, last, parentEpoch);
            transaction.Commit();
            _indexKey = key.ToArray();
            return changed;
        }
    }

    /// <summary>
    /// People with a valid (not ended) registration at two or more city nodes, as this node knows
    /// them (a parent: through the feed) — each person's open registrations, oldest first.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<RegistrationRecord>> DoubleRegistrations()
    {
        lock (_gate)
        {
            var people = Strings(null, "SELECT citizen_id FROM registrations WHERE cancel_date IS NULL GROUP BY citizen_id HAVING COUNT(DISTINCT origin) > 1 ORDER BY MIN(register_date), citizen_id");
            return people.Select(citizen => (IReadOnlyList<RegistrationRecord>)QueryRegistrations(
                "WHERE citizen_id = @c AND cancel_date IS NULL ORDER BY register_date, origin, registration_id", ("@c", citizen))).ToList();
        }
    }

    // The person's entry as their registrations here say it: the city of the earliest valid one, or
    // empty once none is valid (a registration ended frees the person). In the transaction of the change.
    private void IndexPerson(DbTransaction transaction, string citizenId)
    {
        using var command = Command(transaction,
            "SELECT handling_division FROM registrations WHERE citizen_id = @c AND cancel_date IS NULL ORDER BY register_date, origin, registration_id LIMIT 1",
            ("@c", citizenId));
        var division = command.ExecuteScalar() as string;
        var city = division is null ? "" : DivisionTable.Default.CityOf(division) ?? division;
        SetIndexEntry(transaction, KeyedHash.Of(_indexKey!, citizenId), city);
    }

    // Sets a person's entry with the next sequence number, unless it already says that (or says
    // nothing of someone never registered). Returns whether it changed.
    private bool SetIndexEntry(DbTransaction transaction, byte[] personKey, string city)
    {
        using (var current = Command(transaction, "SELECT city_division FROM person_index WHERE person_key = @k", ("@k", personKey)))
        {
            var known = current.ExecuteScalar() as string;
            if (known == city || (known is null && city.Length == 0))
            {
                return false;
            }
        }
        var seq = Scalar(transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM person_index");
        using var upsert = Command(transaction,
            "INSERT INTO person_index (person_key, city_division, seq) VALUES (@k, @c, @s) ON CONFLICT (person_key) DO UPDATE SET city_division = excluded.city_division, seq = excluded.seq",
            ("@k", personKey), ("@c", city), ("@s", seq));
        upsert.ExecuteNonQuery();
        return true;
    }

    private byte[]? LoadIndexKey()
    {
        using var command = Command(null, "SELECT value FROM meta WHERE key = 'index_key'");
        return command.ExecuteScalar() is string hex ? Convert.FromHexString(hex) : null;
    }

    private List<string> Strings(DbTransaction? transaction, string sql) => Query(transaction, sql, reader => reader.GetString(0));
}
