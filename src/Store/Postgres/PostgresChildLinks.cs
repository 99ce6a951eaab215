using System.Globalization;
using Npgsql;

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
        using var command = new NpgsqlCommand("SELECT child_id, last_attempt_at, last_success_at, period, digest, records, bytes, last_error, last_error_at FROM child_links ORDER BY child_id", connection);
        using var reader = command.ExecuteReader();
        var links = new List<ChildLink>();
        while (reader.Read())
        {
            links.Add(new ChildLink(reader.GetString(0), ParseStamp(reader.GetString(1))!.Value, ParseStamp(reader.GetString(2)), Period.TryParse(reader.GetString(3), out var period) ? period : null, reader.GetString(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetString(7), ParseStamp(reader.GetString(8))));
        }
        return links;
    }

    private static DateTimeOffset? ParseStamp(string text) => text.Length == 0 ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
