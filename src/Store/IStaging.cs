namespace Federation.Store;

/// <summary>The city's staged data: what the interface program imports before a period is sealed.</summary>
public interface IStaging
{
    /// <summary>Begins the import transaction: upserts by natural key, committed whole or not at all.</summary>
    IStagingTransaction BeginStaging();
}
