using System.Globalization;

namespace Federation.Store.Sqlite;

// The parent's record of its child links (see ChildLink).
public sealed class SqliteChildLinks : IChildLinks
{
    private readonly SqliteStore _db;

    internal SqliteChildLinks(SqliteStore db) => _db = db;

    /// <summary>Records a successful pull (or a check that found the snapshot already received).</summary>
    public void RecordPullSuccess(string childId, Period period, string digest, long records, long bytes, DateTimeOffset now) =>
        _db.WithWriteTransaction(transaction => _db.Execute(transaction, """
            INSERT INTO child_links (child_id, last_attempt_at, last_success_at, period, digest, records, bytes)
            VALUES ($child, $now, $now, $period, $digest, CAST($records AS INTEGER), CAST($bytes AS INTEGER))
            ON CONFLICT(child_id) DO UPDATE SET last_attempt_at = $now, last_success_at = $now, period = $period, digest = $digest,
              records = CASE WHEN CAST($records AS INTEGER) > 0 THEN CAST($records AS INTEGER) ELSE child_links.records END,
              bytes = CASE WHEN CAST($bytes AS INTEGER) > 0 THEN CAST($bytes AS INTEGER) ELSE child_links.bytes END
            """, ("$child", childId), ("$now", SqliteStore.Stamp(now)), ("$period", period.ToString()), ("$digest", digest),
            ("$records", records.ToString(CultureInfo.InvariantCulture)), ("$bytes", bytes.ToString(CultureInfo.InvariantCulture))));

    /// <summary>Records a failed pull; the last good snapshot stays.</summary>
    public void RecordPullFailure(string childId, string error, DateTimeOffset now) =>
        _db.WithWriteTransaction(transaction => _db.Execute(transaction, """
            INSERT INTO child_links (child_id, last_attempt_at, last_error, last_error_at) VALUES ($child, $now, $error, $now)
            ON CONFLICT(child_id) DO UPDATE SET last_attempt_at = $now, last_error = $error, last_error_at = $now
            """, ("$child", childId), ("$now", SqliteStore.Stamp(now)), ("$error", error)));

    /// <summary>Every recorded child link.</summary>
    public IReadOnlyList<ChildLink> ListChildLinks()
    {
        using var connection = _db.OpenReader();
        return ChildLinksSql.List(connection);
    }
}
