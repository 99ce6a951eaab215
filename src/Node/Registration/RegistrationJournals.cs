using Federation.Store;
using Federation.Store.Postgres;
using Federation.Store.Registration;
using Federation.Store.Sqlite;

namespace Federation.Node.Registration;

/// <summary>
/// Where a node keeps its registration journal, chosen by its store's backend: a SQLite node, the
/// file <c>&lt;store&gt;.registration.db</c>; a PostgreSQL node, the <c>registration</c> schema of its
/// database — into which a journal file the node kept before is copied once at start-up and renamed
/// aside (docs/operations.md, "The registration journal").
/// </summary>
internal static partial class RegistrationJournals
{
    /// <summary>Registers <see cref="IRegistrationJournal"/> for <paramref name="config"/>'s backend; the ministry's keeps the national index .</summary>
    public static IServiceCollection AddRegistrationJournal(this IServiceCollection services, NodeConfiguration config) =>
        services.AddSingleton<IRegistrationJournal>(provider =>
        {
            var journal = Open(config, provider.GetRequiredService<ILoggerFactory>().CreateLogger("Federation.Node.Registration.RegistrationJournals"));
            // The ministry keeps the national index of valid registrations; the nodes below receive it.
            if (provider.GetRequiredService<NodeIdentity>().Level == NodeLevel.Ministry)
            {
                journal.KeepNationalIndex();
            }
            return journal;
        });

    /// <summary>
    /// Opens the journal of <paramref name="config"/>'s node; at a PostgreSQL node, first copies a
    /// journal file found at <see cref="NodeConfiguration.RegistrationJournalPath"/> into the database
    /// (a <see cref="StoreException"/> naming the file when that fails: the node does not start).
    /// </summary>
    public static IRegistrationJournal Open(NodeConfiguration config, ILogger logger)
    {
        if (!config.Store.IsPostgres)
        {
            return SqliteRegistrationJournal.Open(config.RegistrationJournalPath);
        }
        try
        {
            if (PostgresRegistrationJournal.MigrateFile(config.Store.ConnectionString, config.RegistrationJournalPath) is { } migrated)
            {
                JournalMigrated(logger, migrated.File, migrated.Where, migrated.TotalRows, migrated.FeedHead, migrated.Epoch, migrated.MovedTo,
                    migrated.AlreadyCopied ? "already there, only renamed" : "copied");
            }
        }
        catch (StoreException ex)
        {
            JournalMigrationRefused(logger, config.RegistrationJournalPath, ex.Message);
            throw;
        }
        return PostgresRegistrationJournal.Open(config.Store.ConnectionString);
    }

    // Event ids 2760–2789: where the registration journal lives.

    [LoggerMessage(2760, LogLevel.Warning, "The registration journal {File} was {How} into PostgreSQL {Where}: {Rows} row(s), feed at {FeedHead}, epoch {Epoch}; the file is now {MovedTo} and is no longer used", EventName = "RegistrationJournalMigrated")]
    private static partial void JournalMigrated(ILogger logger, string file, string where, long rows, long feedHead, string epoch, string movedTo, string how);

    [LoggerMessage(2761, LogLevel.Critical, "The registration journal {File} could not be moved into PostgreSQL; the node does not start: {Reason}", EventName = "RegistrationJournalMigrationRefused")]
    private static partial void JournalMigrationRefused(ILogger logger, string file, string reason);
}
