namespace Federation.Node.Exchange.Parent;

/// <summary>
/// The free space a pull leaves on the disk holding the store (<see cref="Configuration.ExchangeOptions.ReserveDiskMiB"/>):
/// a transfer stops before it would take the last of it, so the audit log — without which no call
/// is answered — and the node's other writes still find room, and the node goes on serving. Only a
/// SQLite store's disk is watched; a PostgreSQL server watches its own.
/// </summary>
internal sealed class DiskReserve(string? directory, long bytes)
{
    /// <summary>Why a transfer from <paramref name="childId"/> must stop now, or null while the disk has its reserve.</summary>
    public string? Problem(string childId)
    {
        if (directory is null || bytes <= 0)
        {
            return null;
        }
        var free = new DriveInfo(directory).AvailableFreeSpace;
        return free >= bytes ? null
            : $"this node's disk is full (the disk holding the store has {free / 1048576.0:F1} MiB free, less than the {bytes / 1048576} MiB kept for the audit log and reads, Exchange:ReserveDiskMiB): " +
              $"the transfer from {childId} stopped and nothing of it was committed; what arrived is kept with its cursor and the pull resumes from there once there is space";
    }
}
