namespace Federation.Store;

/// <summary>The comparison findings (比对) of a parent's merged periods.</summary>
public interface IFindings
{
    IReadOnlyList<Finding> ListFindings(Period period, string? kind, (string Kind, string Subject)? after, int limit);

    IReadOnlyDictionary<string, long> CountFindings(Period period);
}
