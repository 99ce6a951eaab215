namespace Federation.Store;

/// <summary>Point look-ups of a holder's records for verification: in the staged data and in the children's committed snapshots.</summary>
public interface IHolderLookups
{
    HolderRecords? FindStagedHolder(string citizenId);

    string? FindStagedCertificateHolder(string certificateNumber);

    HolderRecords? FindCachedHolder(string childId, string citizenId);

    string? FindCachedCertificateHolder(string childId, string certificateNumber);

    /// <summary>The children whose latest committed snapshot holds records of the person.</summary>
    IReadOnlyList<string> ChildrenHolding(string citizenId);
}
