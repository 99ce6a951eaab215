namespace Federation.Store;

/// <summary>
/// One import's writes to the staged data, invisible to others until <see cref="Commit"/>; disposing
/// without committing rolls back. The look-ups see the transaction's own writes (a person imported
/// earlier in the same run is there for their registrations).
/// </summary>
public interface IStagingTransaction : IDisposable
{
    /// <summary>Records written (inserted or changed) so far.</summary>
    long Changed { get; }

    /// <summary>Records that were already staged exactly as given.</summary>
    long Unchanged { get; }

    /// <summary>Inserts or updates one record (values in <see cref="Dataset.Columns"/> order; valid as "1"/"0"); true when it changed anything.</summary>
    bool Upsert(Dataset dataset, IReadOnlyList<string> values);

    /// <summary>The staged record with this natural key, or null.</summary>
    string[]? Find(Dataset dataset, string key);

    /// <summary>Whether the staged person is valid (true), marked invalid (false), or not staged at all (null).</summary>
    bool? PersonValidity(string citizenId);

    /// <summary>The number of another valid, not cancelled certificate held by this person, or null.</summary>
    string? OtherValidCertificate(string citizenId, string certificateNumber);

    /// <summary>A valid employment registration of this person open on <paramref name="date"/>, or null.</summary>
    string? EmploymentOpenOn(string citizenId, string date);

    /// <summary>Makes the import's writes durable and visible.</summary>
    void Commit();
}
