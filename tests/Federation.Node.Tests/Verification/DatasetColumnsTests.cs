using Federation.Protocol.V1;
using Federation.Store;
using Google.Protobuf.Reflection;
using Xunit;

namespace Federation.Node.Tests.Verification;

/// <summary>
/// <see cref="Dataset.Columns"/> repeat records.proto's fields by hand (the store's column names,
/// the packed lines' and the digest's value order — the store never references the protocol); the
/// answers of a verification are built from them by field name (<c>RecordMessages</c>). This ties
/// the two: each dataset names its message of records.proto (<see cref="Dataset.Message"/>), its
/// columns are the message's fields by name and in field-number order, and the file has no record
/// message without a dataset — so adding a field or a dataset on one side only fails here.
/// </summary>
public sealed class DatasetColumnsTests
{
    // Each dataset's message, by the name the dataset gives (Dataset.Message).
    private static readonly Dictionary<Dataset, MessageDescriptor> Messages = Dataset.All.ToDictionary(d => d, d =>
        Person.Descriptor.File.MessageTypes.FirstOrDefault(m => m.Name == d.Message) ?? throw new InvalidOperationException($"records.proto has no message {d.Message} (dataset {d.Name})"));

    public static TheoryData<string> Datasets => [.. Dataset.All.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Columns_AreTheMessagesFields_InFieldNumberOrder(string name)
    {
        // Arrange
        var dataset = Dataset.Find(name)!;
        var message = Messages[dataset];

        // Act
        var fields = message.Fields.InFieldNumberOrder().Select(f => f.Name).ToList();

        // Assert
        Assert.True(fields.SequenceEqual(dataset.Columns),
            $"{name}'s columns [{string.Join(", ", dataset.Columns)}] are not {message.FullName}'s fields [{string.Join(", ", fields)}]");
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Columns_HaveTheFieldTypesTheStoreWrites(string name)
    {
        // The store keeps every value as text except valid (1/0 on the wire, bool in the message)
        // and the enterprise datasets' counts (int64 in the message, decimal text in the store).
        var dataset = Dataset.Find(name)!;
        foreach (var field in Messages[dataset].Fields.InFieldNumberOrder())
        {
            var expected = field.Name == "valid" ? FieldType.Bool : field.FieldType == FieldType.Int64 ? FieldType.Int64 : FieldType.String;
            Assert.True(field.FieldType == expected, $"{Messages[dataset].FullName}.{field.Name} is {field.FieldType}");
            Assert.False(field.IsRepeated, $"{Messages[dataset].FullName}.{field.Name} is repeated; a column holds one value");
        }
        Assert.Equal(dataset.IndexOf("valid"), dataset.ValidColumn);
        Assert.Equal(dataset.Columns.Count - 1, dataset.ValidColumn);
        Assert.Equal(dataset.Columns.Count - 2, dataset.DivisionColumn);
    }

    [Fact]
    public void RecordsProto_HasNoRecordMessageWithoutADataset()
    {
        var datasets = Messages.Values.Select(m => m.FullName).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(Dataset.All.Count, Messages.Count);
        Assert.Equal(Person.Descriptor.File.MessageTypes.Select(m => m.FullName).Order(StringComparer.Ordinal), datasets.Order(StringComparer.Ordinal));
    }
}
