using Federation.Store;

namespace Federation.Node.Ingest.Validation;

/// <summary>
/// The rules of one dataset of the national standard, over the shared field rules of
/// <see cref="RecordRow"/>: <see cref="Check"/> on the row alone (the handling division and the
/// valid flag are checked after it for every dataset), <see cref="CheckAgainstStaged"/> against
/// what is staged (after the person a record names was found valid, for a dataset of people).
/// <para>
/// Every concrete subclass in this assembly is one dataset's rules, found by <see cref="For"/>:
/// a new dataset adds its class (in the file of its area, or a file of its own) and nothing else in validation (docs/architecture.md,
/// "Adding a dataset"); a dataset without rules, or with two, fails at first use and in
/// <c>DatasetRulesTests</c>.
/// </para>
/// </summary>
internal abstract class DatasetRules(Dataset dataset)
{
    private static readonly Lazy<IReadOnlyDictionary<Dataset, DatasetRules>> All = new(() =>
        typeof(DatasetRules).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(DatasetRules)) && !t.IsAbstract)
            .Select(t => (DatasetRules)Activator.CreateInstance(t)!)
            .ToDictionary(r => r.Dataset));

    public Dataset Dataset => dataset;

    /// <summary>The checks that need nothing but the row: each field read, normalised into the row's values, or failed with why.</summary>
    public abstract void Check(RecordRow row);

    /// <summary>The dataset's own checks against what is already staged (earlier rows of the same import count); fields that failed to parse are not checked again.</summary>
    public virtual void CheckAgainstStaged(string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
    {
    }

    /// <summary>The rules of <paramref name="dataset"/>.</summary>
    public static DatasetRules For(Dataset dataset) =>
        All.Value.GetValueOrDefault(dataset) ?? throw new ImportException($"No validation rules for dataset '{dataset.Name}'.");

    public static bool HasError(List<(string Field, string Reason)> errors, string field)
    {
        foreach (var (f, _) in errors)
        {
            if (f == field)
            {
                return true;
            }
        }
        return false;
    }
}
