namespace Federation.Store;

/// <summary>What a parent knows of each child link: the last successful pull and the last error.</summary>
public interface IChildLinks
{
    void RecordPullSuccess(string childId, Period period, string digest, long records, long bytes, DateTimeOffset now);

    void RecordPullFailure(string childId, string error, DateTimeOffset now);

    IReadOnlyList<ChildLink> ListChildLinks();
}
