namespace Federation.Store;

/// <summary>
/// The store's wording of a database failure, shared by both backends (<c>SqliteErrors</c>,
/// <c>PostgresErrors</c> tell the kind from the driver's error): where, doing what, what the database
/// said, and — for a damaged store — how to restore it.
/// </summary>
internal static class StoreErrors
{
    internal static StoreException Wrap(Exception inner, StoreFailure kind, string source, string doing, string said) => new(kind switch
    {
        StoreFailure.Corrupt => StoreIntegrity.Damaged(source, $"found while {doing}: {said}"),
        StoreFailure.DiskFull => $"{source}: {doing} failed: the disk is full ({said}). Free space on the store's disk; nothing half-written was kept.",
        StoreFailure.Unavailable => $"{source}: {doing} failed: the database cannot be opened or reached ({said}).",
        StoreFailure.Busy => $"{source}: {doing} failed: the database is busy ({said}); try again.",
        _ => $"{source}: {doing} failed: {said}",
    }, inner, kind);
}
