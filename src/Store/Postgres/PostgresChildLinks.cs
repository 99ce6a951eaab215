namespace Federation.Store.Postgres;

// The parent's record of its child links (see ChildLink), as on SQLite.
public sealed class PostgresChildLinks : IChildLinks
{
    private readonly PostgresStore _db;

    internal PostgresChildLinks(PostgresStore db) => _db = db;

    public void RecordPullSuccess(string childId, Period period, string digest, long records, long bytes, DateTimeOffset now) =>
        _db.WithWriteTransaction((connection, transaction) => PostgresStore.Execute(connection, transaction, """
            INSERT INTO child_links (child_id, last_attempt_at, last_success_at, period, digest, records, bytes)
            VALUES (@child, @now, @now, @period, @digest, @records, @bytes)
            ON CONFLICT (child_id) DO UPDATE SET last_attempt_at = @now, last_success_at = @now, period = @period, digest = @digest,
              records = CASE WHEN @records > 0 THEN @records ELSE child_links.records END,
              bytes = CASE WHEN @bytes > 0 THEN @bytes ELSE child_links.bytes END
            """, ("child", childId), ("now", PostgresStore.Stamp(now)), ("period", period.ToString()), ("digest", digest), ("records", records), ("bytes", bytes)));

    public void RecordPullFailure(string childId, string error, DateTimeOffset now) =>
        _db.WithWriteTransaction((connection, transaction) => PostgresStore.Execute(connection, transaction, """
            INSERT INTO child_links (child_id, last_attempt_at, last_error, last_error_at) VALUES (@child, @now, @error, @now)
            ON CONFLICT (child_id) DO UPDATE SET last_attempt_at = @now, last_error = @error, last_error_at = @now
            """, ("child", childId), ("now", PostgresStore.Stamp(now)), ("error", error)));

    public IReadOnlyList<ChildLink> ListChildLinks()
    {
        using var connection = _db.OpenConnection();
        return ChildLinksSql.List(connection);
    }
}
