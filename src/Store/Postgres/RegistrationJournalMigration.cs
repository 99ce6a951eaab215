namespace Federation.Store.Postgres;

/// <summary>
/// A SQLite registration journal copied into PostgreSQL (<see cref="PostgresRegistrationJournal.MigrateFile"/>):
/// the file, where it was renamed to, the database, the journal's epoch, the rows of each table, the
/// feed's last sequence number, and whether the database already held it (only the rename was left).
/// </summary>
public sealed record RegistrationJournalMigration(string File, string MovedTo, string Where, string Epoch, IReadOnlyDictionary<string, long> Rows,
    long FeedHead, bool AlreadyCopied)
{
    /// <summary>Every row copied, all tables together.</summary>
    public long TotalRows => Rows.Values.Sum();
}
