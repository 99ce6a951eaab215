using System.Collections.Concurrent;
using Federation.Store;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Federation.Node.Verification;

/// <summary>
/// A stored record as its records.proto message. The store's columns are the messages' field
/// names (see <see cref="Dataset"/>), so one mapping by name serves every dataset; the field
/// descriptors are looked up once per message type.
/// </summary>
internal static class RecordMessages
{
    private static readonly ConcurrentDictionary<(Dataset, Type), FieldDescriptor[]> Fields = new();

    public static T ToMessage<T>(Dataset dataset, IReadOnlyList<string> values) where T : IMessage<T>, new()
    {
        var message = new T();
        var fields = Fields.GetOrAdd((dataset, typeof(T)), key => key.Item1.Columns
            .Select(column => message.Descriptor.FindFieldByName(column)
                ?? throw new InvalidOperationException($"{message.Descriptor.FullName} has no field '{column}' of dataset {key.Item1.Name}"))
            .ToArray());
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i].Accessor.SetValue(message, fields[i].FieldType == FieldType.Bool ? values[i] == "1" : values[i]);
        }
        return message;
    }
}
