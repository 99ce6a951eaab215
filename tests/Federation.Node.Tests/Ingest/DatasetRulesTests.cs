using Federation.Node.Ingest;
using Federation.Node.Ingest.Validation;
using Federation.Standards;
using Federation.Store;
using Xunit;

namespace Federation.Node.Tests.Ingest;

/// <summary>
/// A dataset's import rules are one class of Node/Ingest/Validation, found by
/// <see cref="DatasetRules.For"/>: every dataset of the standard has exactly one, and every rule
/// class is a dataset's — so a dataset added without its rules (or given two) fails here, not at
/// the first import.
/// </summary>
public sealed class DatasetRulesTests
{
    private static IEnumerable<Type> RuleClasses() => typeof(DatasetRules).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(DatasetRules)) && !t.IsAbstract);

    public static TheoryData<string> Datasets => [.. Dataset.All.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Datasets))]
    public void EveryDataset_HasItsRules(string name)
    {
        var dataset = Dataset.Find(name)!;

        var rules = DatasetRules.For(dataset);

        Assert.Same(dataset, rules.Dataset);
    }

    [Fact]
    public void EveryRuleClass_IsOneDatasets()
    {
        var datasets = RuleClasses().Select(t => ((DatasetRules)Activator.CreateInstance(t)!).Dataset.Name).ToList();

        Assert.Equal(Dataset.All.Select(d => d.Name).Order(StringComparer.Ordinal), datasets.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheSharedRules_RunForEveryDataset()
    {
        // The handling division and the valid flag are checked whatever the dataset's own rules say.
        var validator = new RecordValidator(DivisionTable.Default.JurisdictionOf("440100"), DivisionTable.Default, new DateOnly(2026, 9, 30));
        var errors = new List<(string Field, string Reason)>();
        foreach (var dataset in Dataset.All)
        {
            var fields = dataset.Columns.ToDictionary(c => c, _ => "");
            fields["handling_division"] = "310101";
            fields["valid"] = "maybe";

            validator.Validate(dataset, new SourceRecord("test", 1, fields), errors);

            Assert.Contains(errors, e => e.Field == "handling_division" && e.Reason.Contains("outside this node's jurisdiction 440100", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.Field == "valid" && e.Reason == "is 'maybe'; expected 1 (valid) or 0 (invalid)");
        }
    }
}
