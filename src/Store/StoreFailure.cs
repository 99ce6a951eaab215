namespace Federation.Store;

/// <summary>
/// What kind of failure a <see cref="StoreException"/> reports, whichever database is behind the
/// store: callers act on the kind (a health check, a retry, a refusal) without knowing the driver.
/// </summary>
public enum StoreFailure
{
    /// <summary>The store refused the operation (a rule, a conflict, a precondition); the message says why.</summary>
    Refused,

    /// <summary>The database is damaged; the message says how to restore the latest verified backup.</summary>
    Corrupt,

    /// <summary>The disk (or quota) that holds the database is full.</summary>
    DiskFull,

    /// <summary>The database cannot be opened or reached: a missing or unreadable file, a server down, a broken connection.</summary>
    Unavailable,

    /// <summary>The database is busy (locked, a serialization conflict, too many connections); a later try may succeed.</summary>
    Busy,

    /// <summary>Any other failure of the database.</summary>
    Failed,
}
